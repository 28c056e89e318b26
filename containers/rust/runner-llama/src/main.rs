//! equibench-runner-llama: the Rust rows that link llama.cpp, apart from
//! `equibench-runner` because building llama.cpp needs cmake, a C++ compiler
//! and libclang (bindgen) and minutes of compilation that no other row should
//! depend on. The command line, the runner core and the tasks are the
//! `equibench-runner` library's.

mod gpt2_llama;

use std::process::ExitCode;

use equibench_runner::cli;
use equibench_runner::registry::{Entry, entry};

/// Every (task, implementation) pair of this binary; `--list` prints them in this order.
const REGISTRY: &[Entry] = &[entry("gpt2-generate", "rust/llama-cpp", gpt2_llama::rust_llama_cpp)];

fn main() -> ExitCode {
    cli::main("equibench-runner-llama", REGISTRY)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_every_pair_once() {
        equibench_runner::registry::check(REGISTRY).unwrap();
        assert_eq!(equibench_runner::registry::list(REGISTRY), "gpt2-generate rust/llama-cpp\n");
    }
}
