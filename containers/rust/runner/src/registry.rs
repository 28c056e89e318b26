//! Every (task, implementation) pair this runner implements, and the
//! constructor of each. Adding an implementation is one line here.

use anyhow::{Result, bail};

use crate::task::Constructor;
use crate::tasks::{iris_mlp, kmeans_blobs, linreg_california, svm_digits};

/// A registered implementation of a task.
pub struct Entry {
    pub task: &'static str,
    pub implementation: &'static str,
    pub create: Constructor,
}

const fn entry(task: &'static str, implementation: &'static str, create: Constructor) -> Entry {
    Entry { task, implementation, create }
}

pub const REGISTRY: &[Entry] = &[
    entry("iris-mlp", "rust/pure", iris_mlp::rust_pure),
    entry("linreg-california", "rust/linfa", linreg_california::rust_linfa),
    entry("linreg-california", "rust/smartcore", linreg_california::rust_smartcore),
    entry("svm-digits", "rust/linfa", svm_digits::rust_linfa),
    entry("svm-digits", "rust/smartcore", svm_digits::rust_smartcore),
    entry("kmeans-blobs", "rust/linfa", kmeans_blobs::rust_linfa),
    entry("kmeans-blobs", "rust/smartcore", kmeans_blobs::rust_smartcore),
];

/// The constructor of `task` implemented as `implementation`.
pub fn lookup(task: &str, implementation: &str) -> Result<Constructor> {
    if let Some(entry) = REGISTRY.iter().find(|e| e.task == task && e.implementation == implementation) {
        return Ok(entry.create);
    }
    let impls: Vec<&str> = REGISTRY.iter().filter(|e| e.task == task).map(|e| e.implementation).collect();
    if impls.is_empty() {
        let mut tasks: Vec<&str> = REGISTRY.iter().map(|e| e.task).collect();
        tasks.dedup();
        bail!("unknown task '{task}' (this runner implements: {})", tasks.join(", "));
    }
    bail!("task '{task}' has no implementation '{implementation}' here (available: {})", impls.join(", "))
}

/// The `--list` answer: `TASK IMPL`, one registered pair a line.
pub fn list() -> String {
    REGISTRY.iter().map(|e| format!("{} {}\n", e.task, e.implementation)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_every_pair_once() {
        let list = list();
        let lines: Vec<&str> = list.lines().collect();
        assert_eq!(lines.len(), REGISTRY.len());
        assert_eq!(lines[0], "iris-mlp rust/pure");
        for line in &lines {
            let (task, implementation) = line.split_once(' ').unwrap();
            assert!(lookup(task, implementation).is_ok(), "{line}");
            assert_eq!(lines.iter().filter(|l| *l == line).count(), 1, "{line}");
        }
    }

    #[test]
    fn unknown_pairs_name_what_is_available() {
        let err = |task, implementation| lookup(task, implementation).err().unwrap().to_string();
        assert_eq!(
            err("nope", "rust/pure"),
            "unknown task 'nope' (this runner implements: iris-mlp, linreg-california, svm-digits, kmeans-blobs)"
        );
        assert_eq!(
            err("svm-digits", "rust/pure"),
            "task 'svm-digits' has no implementation 'rust/pure' here (available: rust/linfa, rust/smartcore)"
        );
    }
}
