//! A binary's registry: every (task, implementation) pair it implements, and the
//! constructor of each. Each binary has its own (`main.rs`, `runner-tch`);
//! adding an implementation is one line there.

use anyhow::{Result, bail};

use crate::task::Constructor;

/// A registered implementation of a task.
pub struct Entry {
    pub task: &'static str,
    pub implementation: &'static str,
    pub create: Constructor,
}

pub const fn entry(task: &'static str, implementation: &'static str, create: Constructor) -> Entry {
    Entry { task, implementation, create }
}

/// The constructor of `task` implemented as `implementation` in `registry`.
pub fn lookup(registry: &[Entry], task: &str, implementation: &str) -> Result<Constructor> {
    if let Some(entry) = registry.iter().find(|e| e.task == task && e.implementation == implementation) {
        return Ok(entry.create);
    }
    let impls: Vec<&str> = registry.iter().filter(|e| e.task == task).map(|e| e.implementation).collect();
    if impls.is_empty() {
        let mut tasks: Vec<&str> = registry.iter().map(|e| e.task).collect();
        tasks.dedup();
        bail!("unknown task '{task}' (this runner implements: {})", tasks.join(", "));
    }
    bail!("task '{task}' has no implementation '{implementation}' here (available: {})", impls.join(", "))
}

/// The `--list` answer: `TASK IMPL`, one registered pair a line.
pub fn list(registry: &[Entry]) -> String {
    registry.iter().map(|e| format!("{} {}\n", e.task, e.implementation)).collect()
}

/// Checks what every binary's registry must satisfy, for its tests: each pair
/// once, and `--list` naming exactly the registered pairs.
pub fn check(registry: &[Entry]) -> Result<()> {
    let listed = list(registry);
    let lines: Vec<&str> = listed.lines().collect();
    if lines.len() != registry.len() {
        bail!("--list has {} lines for {} entries", lines.len(), registry.len());
    }
    for line in &lines {
        let Some((task, implementation)) = line.split_once(' ') else { bail!("'{line}' is not 'TASK IMPL'") };
        lookup(registry, task, implementation)?;
        if lines.iter().filter(|l| *l == line).count() != 1 {
            bail!("'{line}' is registered twice");
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::Spec;
    use crate::task::Task;

    fn never(_spec: &Spec) -> Result<Box<dyn Task + '_>> {
        bail!("not built in these tests")
    }

    const REGISTRY: &[Entry] =
        &[entry("a", "rust/x", never), entry("a", "rust/y", never), entry("b", "rust/x", never)];

    #[test]
    fn lists_every_pair_once() {
        assert_eq!(list(REGISTRY), "a rust/x\na rust/y\nb rust/x\n");
        check(REGISTRY).unwrap();
        let twice = &[entry("a", "rust/x", never as Constructor), entry("a", "rust/x", never)];
        assert_eq!(check(twice).unwrap_err().to_string(), "'a rust/x' is registered twice");
    }

    #[test]
    fn unknown_pairs_name_what_is_available() {
        let err = |task, implementation| lookup(REGISTRY, task, implementation).err().unwrap().to_string();
        assert_eq!(err("nope", "rust/x"), "unknown task 'nope' (this runner implements: a, b)");
        assert_eq!(err("b", "rust/y"), "task 'b' has no implementation 'rust/y' here (available: rust/x)");
        assert!(lookup(REGISTRY, "a", "rust/y").is_ok());
    }
}
