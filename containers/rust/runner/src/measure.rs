//! The phase-measurement loop of PROTOCOL.md ("Phases and measurement").

use std::fs;
use std::time::Instant;

use anyhow::Result;

use crate::protocol::PhaseResult;

/// Runs `phase` `warmup` times untimed, resets the RSS high-water mark, then
/// times `repetitions` runs. `phase` performs `ops_per_sample` operations per run.
pub fn measure<F>(warmup: u32, repetitions: u32, ops_per_sample: u64, mut phase: F) -> Result<PhaseResult>
where
    F: FnMut() -> Result<()>,
{
    for _ in 0..warmup {
        phase()?;
    }

    let hwm_reset = reset_peak_rss();
    let rss_before_bytes = proc_status_bytes("VmRSS:");

    // Preallocated so that the timed loop itself does not allocate.
    let mut samples_ns = Vec::with_capacity(repetitions as usize);
    for _ in 0..repetitions {
        let start = Instant::now();
        phase()?;
        let elapsed = start.elapsed();
        samples_ns.push(u64::try_from(elapsed.as_nanos()).unwrap_or(u64::MAX));
    }

    let peak_rss_bytes = proc_status_bytes("VmHWM:");
    Ok(PhaseResult {
        warmup,
        ops_per_sample,
        samples_ns,
        rss_before_bytes,
        peak_rss_bytes,
        hwm_reset,
        allocated_bytes: None,
    })
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
        let result = measure(2, 3, 7, || {
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
    fn phase_error_stops_measurement() {
        let err = measure(0, 3, 1, || anyhow::bail!("boom")).unwrap_err();
        assert_eq!(err.to_string(), "boom");
    }
}
