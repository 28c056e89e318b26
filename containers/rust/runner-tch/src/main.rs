//! equibench-runner-tch: the Rust rows that link libtorch, apart from
//! `equibench-runner` so that no other row loads libtorch into its process
//! (its start-up time and RSS would count against them). The command line,
//! the runner core and the tasks are the `equibench-runner` library's.

mod bert_tch;
mod cnn_tch;
mod gpt2_tch;

use std::process::ExitCode;

use equibench_runner::cli;
use equibench_runner::registry::{Entry, entry};

/// Every (task, implementation) pair of this binary; `--list` prints them in this order.
const REGISTRY: &[Entry] = &[
    entry("gpt2-generate", "rust/tch", gpt2_tch::rust_tch),
    entry("bert-qa", "rust/tch", bert_tch::rust_tch),
    entry("cnn-cifar10", "rust/tch", cnn_tch::rust_tch),
];

fn main() -> ExitCode {
    cli::main("equibench-runner-tch", REGISTRY)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_every_pair_once() {
        equibench_runner::registry::check(REGISTRY).unwrap();
        assert_eq!(
            equibench_runner::registry::list(REGISTRY),
            "gpt2-generate rust/tch\nbert-qa rust/tch\ncnn-cifar10 rust/tch\n"
        );
    }
}
