//! The command line every runner binary shares (containers/PROTOCOL.md).
//!
//! `BINARY --spec SPEC.json --out OUT_DIR` runs the spec's task and writes
//! OUT_DIR/result.json plus one .npy per output. On failure it writes a
//! `status: "error"` result when it still can, prints the message to stderr and
//! exits with status 1. `BINARY --list` prints the (task, implementation) pairs
//! of the binary's registry.

use std::ffi::OsString;
use std::fs;
use std::panic::{self, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use serde::Serialize;

use crate::protocol::{self, ErrorResult, PROTOCOL_VERSION, Spec};
use crate::registry::{self, Entry};
use crate::runner;

/// What the command line asks for.
enum Command {
    Run(Args),
    List,
    Help,
}

struct Args {
    spec: PathBuf,
    out: PathBuf,
}

/// Task and impl of the spec being run, once known; they label an error result.
#[derive(Default)]
struct Identity {
    task: Option<String>,
    implementation: Option<String>,
}

/// The whole life of binary `name` implementing the pairs of `registry`: the
/// arguments of the process, the run, result.json and the exit status.
pub fn main(name: &str, registry: &[Entry]) -> ExitCode {
    let usage = format!("usage: {name} --spec SPEC.json --out OUT_DIR\n       {name} --list");
    let args = match parse_args(std::env::args_os().skip(1)) {
        Ok(Command::Run(args)) => args,
        Ok(Command::List) => {
            print!("{}", registry::list(registry));
            return ExitCode::SUCCESS;
        }
        Ok(Command::Help) => {
            println!("{usage}");
            return ExitCode::SUCCESS;
        }
        Err(e) => {
            eprintln!("{name}: {e:#}\n{usage}");
            return ExitCode::FAILURE;
        }
    };

    let mut identity = Identity::default();
    // A panic is a bug, but the harness should still get a result.json naming it.
    let error = match panic::catch_unwind(AssertUnwindSafe(|| run(&args, registry, &mut identity))) {
        Ok(Ok(())) => return ExitCode::SUCCESS,
        Ok(Err(e)) => format!("{e:#}"),
        Err(payload) => {
            let message = payload
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| payload.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "unknown panic".to_string());
            format!("internal error (panic): {message}")
        }
    };

    eprintln!("{name}: error: {error}");
    let result = ErrorResult {
        protocol: PROTOCOL_VERSION,
        task: identity.task.as_deref(),
        implementation: identity.implementation.as_deref(),
        status: "error",
        error: &error,
    };
    if let Err(e) = fs::create_dir_all(&args.out)
        .map_err(anyhow::Error::from)
        .and_then(|()| write_result(&args.out, &result))
    {
        eprintln!("{name}: could not write the error result either: {e:#}");
    }
    ExitCode::FAILURE
}

fn parse_args(mut args: impl Iterator<Item = OsString>) -> Result<Command> {
    let (mut spec, mut out) = (None, None);
    while let Some(arg) = args.next() {
        let arg_str = arg.to_string_lossy();
        let (flag, inline) = match arg_str.split_once('=') {
            Some((flag, value)) if flag.starts_with("--") => (flag.to_string(), Some(PathBuf::from(value))),
            _ => (arg_str.to_string(), None),
        };
        let slot = match flag.as_str() {
            "--spec" => &mut spec,
            "--out" => &mut out,
            "--list" if inline.is_none() => return Ok(Command::List),
            "-h" | "--help" => return Ok(Command::Help),
            _ => bail!("unknown argument '{arg_str}'"),
        };
        let value = match inline {
            Some(value) => value,
            None => PathBuf::from(args.next().with_context(|| format!("{flag} needs a value"))?),
        };
        *slot = Some(value);
    }
    Ok(Command::Run(Args { spec: spec.context("missing --spec")?, out: out.context("missing --out")? }))
}

fn run(args: &Args, registry: &[Entry], identity: &mut Identity) -> Result<()> {
    let out = &args.out;
    fs::create_dir_all(out).with_context(|| format!("cannot create output directory {}", out.display()))?;
    // A result.json left from an earlier run must never pass for this run's.
    match fs::remove_file(out.join("result.json")) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
            return Err(e).with_context(|| format!("cannot remove old {}/result.json", out.display()));
        }
        _ => {}
    }

    let text = fs::read_to_string(&args.spec)
        .with_context(|| format!("cannot read spec {}", args.spec.display()))?;
    (identity.task, identity.implementation) = protocol::spec_identity(&text);
    let spec = Spec::from_json(&text, &args.spec)?;
    let create = registry::lookup(registry, &spec.task, &spec.implementation)?;
    let result = runner::run(&spec, out, create)?;
    write_result(out, &result)
}

/// Writes result.json atomically (temp file + rename): the harness never sees half a file.
fn write_result(out: &Path, result: &impl Serialize) -> Result<()> {
    let path = out.join("result.json");
    let tmp = out.join("result.json.tmp");
    let mut json = serde_json::to_string_pretty(result).context("cannot serialise result.json")?;
    json.push('\n');
    fs::write(&tmp, json).with_context(|| format!("cannot write {}", tmp.display()))?;
    fs::rename(&tmp, &path).with_context(|| format!("cannot write {}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> Result<Command> {
        parse_args(args.iter().map(OsString::from))
    }

    #[test]
    fn parses_arguments() {
        let Command::Run(args) = parse(&["--spec", "s.json", "--out=o"]).unwrap() else {
            panic!("not a run")
        };
        assert_eq!((args.spec, args.out), (PathBuf::from("s.json"), PathBuf::from("o")));
        assert!(matches!(parse(&["--help"]).unwrap(), Command::Help));
        assert!(matches!(parse(&["--list"]).unwrap(), Command::List));
        assert_eq!(parse(&["--list=x"]).err().unwrap().to_string(), "unknown argument '--list=x'");
        assert_eq!(parse(&["--spec", "s.json"]).err().unwrap().to_string(), "missing --out");
        assert_eq!(parse(&["--spec"]).err().unwrap().to_string(), "--spec needs a value");
        assert_eq!(parse(&["--bogus"]).err().unwrap().to_string(), "unknown argument '--bogus'");
    }
}
