//! The task implementations, one module per task of PROTOCOL.md. Each only
//! loads, computes and reports through [`crate::task::Task`]; the registry
//! names their constructors.

pub mod bert_qa;
mod classical;
pub mod cnn_cifar10;
pub mod gpt2_generate;
pub mod iris_mlp;
pub mod kmeans_blobs;
pub mod linreg_california;
mod shared;
pub mod svm_digits;
