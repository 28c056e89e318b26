//! equibench-runner: every Rust row that needs no libtorch (those are in
//! `equibench-runner-tch`, so that no other row loads libtorch into its process).
//! The command line, the run and result.json are the library's [`cli::main`].

use std::process::ExitCode;

use equibench_runner::cli;
use equibench_runner::registry::{Entry, entry};
use equibench_runner::tasks::{
    bert_qa, cnn_cifar10, gpt2_generate, iris_mlp, kmeans_blobs, linreg_california, svm_digits,
};

/// Every (task, implementation) pair of this binary; `--list` prints them in this order.
const REGISTRY: &[Entry] = &[
    entry("iris-mlp", "rust/pure", iris_mlp::rust_pure),
    entry("linreg-california", "rust/linfa", linreg_california::rust_linfa),
    entry("linreg-california", "rust/smartcore", linreg_california::rust_smartcore),
    entry("svm-digits", "rust/linfa", svm_digits::rust_linfa),
    entry("svm-digits", "rust/smartcore", svm_digits::rust_smartcore),
    entry("kmeans-blobs", "rust/linfa", kmeans_blobs::rust_linfa),
    entry("kmeans-blobs", "rust/smartcore", kmeans_blobs::rust_smartcore),
    entry("gpt2-generate", "rust/ort", gpt2_generate::rust_ort),
    entry("gpt2-generate", "rust/candle", gpt2_generate::rust_candle),
    entry("bert-qa", "rust/ort", bert_qa::rust_ort),
    entry("bert-qa", "rust/candle", bert_qa::rust_candle),
    entry("cnn-cifar10", "rust/candle", cnn_cifar10::rust_candle),
];

fn main() -> ExitCode {
    cli::main("equibench-runner", REGISTRY)
}

#[cfg(test)]
mod tests {
    use super::*;
    use equibench_runner::registry::{list, lookup};

    #[test]
    fn lists_every_pair_once() {
        equibench_runner::registry::check(REGISTRY).unwrap();
        assert_eq!(list(REGISTRY).lines().next(), Some("iris-mlp rust/pure"));
    }

    #[test]
    fn unknown_pairs_name_what_is_available() {
        let err = |task, implementation| lookup(REGISTRY, task, implementation).err().unwrap().to_string();
        assert_eq!(
            err("nope", "rust/pure"),
            "unknown task 'nope' (this runner implements: iris-mlp, linreg-california, svm-digits, kmeans-blobs, \
             gpt2-generate, bert-qa, cnn-cifar10)"
        );
        assert_eq!(
            err("svm-digits", "rust/pure"),
            "task 'svm-digits' has no implementation 'rust/pure' here (available: rust/linfa, rust/smartcore)"
        );
    }
}
