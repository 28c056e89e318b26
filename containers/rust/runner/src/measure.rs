//! The phase-measurement loop of PROTOCOL.md ("Phases and measurement"), and
//! the wall-clock timeline of the phases ("Cold start and the phase timeline").

use std::fs;
use std::time::{Instant, SystemTime, UNIX_EPOCH};

use anyhow::Result;

use crate::protocol::{Ordered, PhaseResult, Span, Timeline};

/// What [`measure`] runs: a phase, and what to do after each timed run of it.
/// Every `FnMut() -> Result<()>` is one, with nothing after.
pub trait Phase {
    /// Runs the phase once.
    fn run(&mut self) -> Result<()>;

    /// Called after each timed run (not after warm-ups), once its clock has
    /// been read, so that nothing done here (hashing the run's outputs) is timed.
    fn after_sample(&mut self) -> Result<()> {
        Ok(())
    }
}

impl<F: FnMut() -> Result<()>> Phase for F {
    fn run(&mut self) -> Result<()> {
        self()
    }
}

/// Runs `phase` `warmup.count` times untimed (and for at least `warmup.min_ns`,
/// unless the count is 0), resets the RSS high-water mark, then times
/// `repetitions` runs. `phase` performs `ops_per_sample` operations per run.
///
/// The first run of all is also timed on its own (`first_call_ns`): the cold
/// figure, before caches, lazily built state and the allocator have warmed up.
pub fn measure<P: Phase>(
    warmup: Warmup,
    repetitions: u32,
    ops_per_sample: u64,
    mut phase: P,
) -> Result<PhaseResult> {
    let start_epoch_ns = epoch_ns();
    let mut first_call_ns = None;
    let warmup_start = Instant::now();
    let mut warmups = 0u32;
    while warmup.count > 0 && (warmups < warmup.count || nanos(warmup_start) < warmup.min_ns) {
        let start = Instant::now();
        phase.run()?;
        first_call_ns.get_or_insert_with(|| nanos(start));
        warmups += 1;
    }

    let hwm_reset = reset_peak_rss();
    let rss_before_bytes = proc_status_bytes("VmRSS:");

    // Preallocated so that the timed loop itself does not allocate.
    let mut samples_ns = Vec::with_capacity(repetitions as usize);
    for _ in 0..repetitions {
        let start = Instant::now();
        phase.run()?;
        samples_ns.push(nanos(start));
        phase.after_sample()?;
    }

    let peak_rss_bytes = proc_status_bytes("VmHWM:");
    let first_call_ns = first_call_ns.or(samples_ns.first().copied()).unwrap_or(0);
    Ok(PhaseResult {
        warmup: warmups,
        ops_per_sample,
        samples_ns,
        rss_before_bytes,
        peak_rss_bytes,
        hwm_reset,
        allocated_bytes: None,
        first_call_ns,
        output_sha256: None,
        span: Span { start_epoch_ns, end_epoch_ns: epoch_ns() },
    })
}

/// How much warm-up a phase gets: at least `count` runs and, when `count` > 0, at least `min_ns`.
#[derive(Clone, Copy, Debug)]
pub struct Warmup {
    pub count: u32,
    pub min_ns: u64,
}

impl Warmup {
    pub fn of(spec: &crate::protocol::Spec) -> Warmup {
        Warmup { count: spec.warmup, min_ns: spec.warmup_min_ms.saturating_mul(1_000_000) }
    }

    /// A count with no time floor.
    #[cfg(test)]
    pub fn runs(count: u32) -> Warmup {
        Warmup { count, min_ns: 0 }
    }
}

/// Monotonic nanoseconds since `start`.
fn nanos(start: Instant) -> u64 {
    u64::try_from(start.elapsed().as_nanos()).unwrap_or(u64::MAX)
}

/// Wall-clock nanoseconds since the Unix epoch, to line up with the harness's
/// samples of this process.
pub fn epoch_ns() -> u64 {
    let since_epoch = SystemTime::now().duration_since(UNIX_EPOCH).unwrap_or_default();
    u64::try_from(since_epoch.as_nanos()).unwrap_or(u64::MAX)
}

/// The measured phases of a run in the order they ran, and the instant the
/// run was ready to start its first phase.
#[derive(Debug)]
pub struct PhaseLog {
    ready_epoch_ns: u64,
    phases: Ordered<PhaseResult>,
}

impl PhaseLog {
    /// An empty log whose run is ready now: make it just before the first
    /// phase runs, once the spec is parsed and checked.
    pub fn ready() -> PhaseLog {
        PhaseLog { ready_epoch_ns: epoch_ns(), phases: Ordered::default() }
    }

    pub fn push(&mut self, name: &str, result: PhaseResult) {
        self.phases.push(name, result);
    }

    /// The phase results for result.json's `phases`, and its `timeline`.
    pub fn into_parts(self) -> (Ordered<PhaseResult>, Timeline) {
        let spans = self.phases.0.iter().map(|(name, result)| (name.clone(), result.span)).collect();
        (self.phases, Timeline { ready_epoch_ns: self.ready_epoch_ns, phases: Ordered(spans) })
    }
}

/// Writing 5 to clear_refs resets VmHWM to the current RSS (Linux >= 4.0).
/// Fails e.g. in some containers or on other operating systems; the harness
/// then knows that the peak may come from an earlier phase.
fn reset_peak_rss() -> bool {
    fs::write("/proc/self/clear_refs", "5").is_ok()
}

/// A `kB` field of /proc/self/status in bytes, or None where unavailable.
fn proc_status_bytes(field: &str) -> Option<u64> {
    let status = fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|line| line.starts_with(field))?;
    let kib: u64 = line[field.len()..].trim().strip_suffix("kB")?.trim().parse().ok()?;
    Some(kib * 1024)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn measures_every_repetition_and_reads_rss() {
        let mut runs = 0;
        let result = measure(Warmup::runs(2), 3, 7, || {
            runs += 1;
            Ok(())
        })
        .unwrap();
        assert_eq!(runs, 5);
        assert_eq!(result.samples_ns.len(), 3);
        assert_eq!(result.ops_per_sample, 7);
        if cfg!(target_os = "linux") {
            let (before, peak) = (result.rss_before_bytes.unwrap(), result.peak_rss_bytes.unwrap());
            assert!(before > 0 && peak > 0);
        }
    }

    #[test]
    fn first_call_is_the_first_warmup_or_else_the_first_repetition() {
        let mut runs = 0u64;
        let mut slow_first = || {
            runs += 1;
            if runs == 1 {
                std::thread::sleep(std::time::Duration::from_millis(20));
            }
            Ok(())
        };
        let result = measure(Warmup::runs(2), 2, 1, &mut slow_first).unwrap();
        assert!(result.first_call_ns >= 20_000_000, "{}", result.first_call_ns);
        assert!(result.samples_ns.iter().all(|&s| s < result.first_call_ns));

        let result = measure(Warmup::runs(0), 3, 1, || Ok(())).unwrap();
        assert_eq!(result.first_call_ns, result.samples_ns[0]);
    }

    #[test]
    fn timeline_spans_every_run_of_each_phase() {
        let mut log = PhaseLog::ready();
        for name in ["load", "fit"] {
            let result = measure(Warmup::runs(1), 2, 1, || {
                std::thread::sleep(std::time::Duration::from_millis(2));
                Ok(())
            })
            .unwrap();
            log.push(name, result);
        }
        let (phases, timeline) = log.into_parts();
        assert_eq!(phases.0.len(), 2);
        let spans: Vec<(&str, Span)> = timeline.phases.0.iter().map(|(n, s)| (n.as_str(), *s)).collect();
        assert_eq!(spans.iter().map(|(n, _)| *n).collect::<Vec<_>>(), ["load", "fit"]);
        let (load, fit) = (spans[0].1, spans[1].1);
        assert!(timeline.ready_epoch_ns <= load.start_epoch_ns);
        // Three runs of at least 2 ms each.
        assert!(load.end_epoch_ns - load.start_epoch_ns >= 6_000_000);
        assert!(load.end_epoch_ns <= fit.start_epoch_ns && fit.start_epoch_ns < fit.end_epoch_ns);
        // Nanoseconds since 1970: past 2020-01-01.
        assert!(timeline.ready_epoch_ns > 1_577_836_800_000_000_000);
    }

    /// Counts runs; sleeps 20 ms after each timed one and records what had run by then.
    struct Hooked<'a> {
        runs: u32,
        seen: &'a mut Vec<u32>,
    }

    impl Phase for Hooked<'_> {
        fn run(&mut self) -> Result<()> {
            self.runs += 1;
            Ok(())
        }

        fn after_sample(&mut self) -> Result<()> {
            std::thread::sleep(std::time::Duration::from_millis(20));
            self.seen.push(self.runs);
            Ok(())
        }
    }

    #[test]
    fn after_sample_follows_each_timed_run_outside_the_timer() {
        let mut seen = Vec::new();
        let result = measure(Warmup::runs(2), 3, 1, Hooked { runs: 0, seen: &mut seen }).unwrap();
        // Not after the two warm-ups; after each repetition, before the next.
        assert_eq!(seen, [3, 4, 5]);
        assert!(result.samples_ns.iter().all(|&ns| ns < 20_000_000), "{:?}", result.samples_ns);
        assert_eq!(result.output_sha256, None);
    }

    #[test]
    fn phase_error_stops_measurement() {
        let err = measure(Warmup::runs(0), 3, 1, || anyhow::bail!("boom")).unwrap_err();
        assert_eq!(err.to_string(), "boom");
    }
}
