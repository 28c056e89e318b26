//! The thread settings of the process (PROTOCOL.md, `threads`): the one list
//! of thread variables, and rayon's global pool sized to the spec's count.

use std::env;

/// The variables through which the harness passes the thread count to native
/// libraries, the same list in every runner.
pub const THREAD_ENV: [&str; 6] = [
    "OMP_NUM_THREADS",
    "MKL_NUM_THREADS",
    "OPENBLAS_NUM_THREADS",
    "VECLIB_MAXIMUM_THREADS",
    "NUMEXPR_NUM_THREADS",
    "RAYON_NUM_THREADS",
];

/// Each thread variable as this process sees it, `"unset"` where it is absent.
pub fn thread_env() -> impl Iterator<Item = (&'static str, String)> {
    THREAD_ENV.into_iter().map(|name| (name, env::var(name).unwrap_or_else(|_| "unset".to_string())))
}

/// Sizes rayon's global pool to `threads`. The pool can be built once per
/// process, so this runs before any task code; a pool built earlier (only
/// possible in tests, which share a process) is left as it is, and the
/// message says so.
pub fn size_rayon_pool(threads: u32) -> Result<(), String> {
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads as usize)
        .build_global()
        .map_err(|e| format!("rayon's global pool was already built, not resized: {e}"))
}

/// The size of rayon's global pool, read back.
pub fn rayon_threads() -> usize {
    rayon::current_num_threads()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reports_every_thread_variable() {
        let reported: Vec<(&str, String)> = thread_env().collect();
        assert_eq!(reported.iter().map(|(name, _)| *name).collect::<Vec<_>>(), THREAD_ENV);
        for (name, value) in reported {
            assert_eq!(value, env::var(name).unwrap_or_else(|_| "unset".to_string()));
        }
    }

    #[test]
    fn the_pool_is_built_once() {
        // Whichever call came first in this process built it; a second one cannot resize it.
        let _ = size_rayon_pool(2);
        let err = size_rayon_pool(3).unwrap_err();
        assert!(err.starts_with("rayon's global pool was already built, not resized"), "{err}");
        assert!(rayon_threads() >= 1);
    }
}
