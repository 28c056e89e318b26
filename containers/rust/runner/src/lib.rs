//! The Rust side of the equibench runner protocol (containers/PROTOCOL.md), as a
//! library: the runner core, the protocol types, the data readers and every task.
//!
//! Each binary is a tiny `main` that hands its own registry of (task, impl) pairs
//! to [`cli::main`]: `equibench-runner` (every row that needs no libtorch) and
//! `equibench-runner-tch` (the libtorch rows, in a binary of their own so that no
//! other row loads libtorch into its process).

pub mod cli;
pub mod data;
mod measure;
pub mod protocol;
pub mod registry;
pub mod runner;
mod runtime;
pub mod task;
pub mod tasks;
mod threads;

#[cfg(test)]
mod alloc_counter;
