//! Captures the build environment for the runtime manifest in result.json:
//! the exact compiler, the locked versions of the direct dependencies, and the
//! settings the binary was compiled with. Capturing at build time means the
//! manifest describes the binary that actually ran, not whatever toolchain
//! happens to be installed when it runs.

use std::env;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

fn main() {
    let manifest_dir = PathBuf::from(env::var("CARGO_MANIFEST_DIR").expect("CARGO_MANIFEST_DIR"));
    let workspace_dir = manifest_dir.parent().expect("runner crate sits inside the workspace");
    let lock_path = workspace_dir.join("Cargo.lock");
    let workspace_manifest = workspace_dir.join("Cargo.toml");

    // Every binary crate of the workspace runs this one script (`build = "../runner/build.rs"`).
    println!("cargo:rerun-if-changed={}", workspace_dir.join("runner").join("build.rs").display());
    println!("cargo:rerun-if-changed={}", lock_path.display());
    println!("cargo:rerun-if-changed={}", workspace_manifest.display());
    for var in ["CARGO_PROFILE_RELEASE_LTO", "CARGO_PROFILE_RELEASE_CODEGEN_UNITS"] {
        println!("cargo:rerun-if-env-changed={var}");
    }

    let rustc_version = rustc_version();
    let libraries = direct_dependency_versions(&lock_path, &env::var("CARGO_PKG_NAME").unwrap());
    let release_profile = profile_section(&workspace_manifest, "profile.release");
    let setting = |key: &str, env_override: &str| {
        env::var(env_override)
            .ok()
            .or_else(|| release_profile.iter().find(|(k, _)| k == key).map(|(_, v)| v.clone()))
            .unwrap_or_else(|| "default".to_string())
    };
    let lto = setting("lto", "CARGO_PROFILE_RELEASE_LTO");
    let codegen_units = setting("codegen-units", "CARGO_PROFILE_RELEASE_CODEGEN_UNITS");

    // CARGO_ENCODED_RUSTFLAGS separates flags with 0x1f.
    let rustflags: Vec<String> = env::var("CARGO_ENCODED_RUSTFLAGS")
        .unwrap_or_default()
        .split('\x1f')
        .filter(|f| !f.is_empty())
        .map(str::to_string)
        .collect();

    let var = |name: &str| env::var(name).unwrap_or_default();
    let mut out = String::new();
    out.push_str(&format!("pub const RUSTC_VERSION: &str = {:?};\n", rustc_version));
    out.push_str(&format!("pub const PROFILE: &str = {:?};\n", var("PROFILE")));
    out.push_str(&format!("pub const OPT_LEVEL: &str = {:?};\n", var("OPT_LEVEL")));
    out.push_str(&format!("pub const DEBUG: &str = {:?};\n", var("DEBUG")));
    out.push_str(&format!("pub const LTO: &str = {:?};\n", lto));
    out.push_str(&format!("pub const CODEGEN_UNITS: &str = {:?};\n", codegen_units));
    out.push_str(&format!("pub const TARGET: &str = {:?};\n", var("TARGET")));
    out.push_str(&format!("pub const TARGET_FEATURES: &str = {:?};\n", var("CARGO_CFG_TARGET_FEATURE")));
    out.push_str(&format!("pub const RUSTFLAGS: &[&str] = &{:?};\n", rustflags));
    out.push_str(&format!("pub const LIBRARIES: &[(&str, &str)] = &{:?};\n", libraries));

    let out_dir = PathBuf::from(env::var("OUT_DIR").expect("OUT_DIR"));
    fs::write(out_dir.join("build_info.rs"), out).expect("write build_info.rs");
}

/// `$RUSTC -V`, e.g. "rustc 1.95.0 (59807616e 2026-04-14)".
fn rustc_version() -> String {
    let rustc = env::var("RUSTC").unwrap_or_else(|_| "rustc".to_string());
    let output = Command::new(&rustc).arg("-V").output().expect("run rustc -V");
    assert!(output.status.success(), "{rustc} -V failed");
    String::from_utf8(output.stdout).expect("rustc -V is UTF-8").trim().to_string()
}

/// Versions of `package`'s direct dependencies as locked in Cargo.lock.
///
/// Cargo.lock lists each package as a `[[package]]` table; the root package's
/// `dependencies` array names its direct dependencies ("name" or, when several
/// versions are locked, "name version"). A full TOML parser is not needed for
/// this fixed, machine-written layout.
fn direct_dependency_versions(lock_path: &Path, package: &str) -> Vec<(String, String)> {
    let text = fs::read_to_string(lock_path).unwrap_or_else(|e| panic!("read {}: {e}", lock_path.display()));

    struct Entry {
        name: String,
        version: String,
        dependencies: Vec<String>,
    }
    let mut entries = Vec::new();
    for block in text.split("[[package]]").skip(1) {
        let mut entry = Entry { name: String::new(), version: String::new(), dependencies: Vec::new() };
        let mut in_deps = false;
        for line in block.lines().map(str::trim) {
            if in_deps {
                if line.starts_with(']') {
                    in_deps = false;
                } else {
                    entry.dependencies.push(line.trim_end_matches(',').trim_matches('"').to_string());
                }
            } else if let Some(v) = line.strip_prefix("name = ") {
                entry.name = v.trim_matches('"').to_string();
            } else if let Some(v) = line.strip_prefix("version = ") {
                entry.version = v.trim_matches('"').to_string();
            } else if line.starts_with("dependencies = [") {
                in_deps = !line.ends_with(']');
            }
        }
        entries.push(entry);
    }

    let root = entries
        .iter()
        .find(|e| e.name == package)
        .unwrap_or_else(|| panic!("{package} not found in {}", lock_path.display()));
    let mut versions: Vec<(String, String)> = root
        .dependencies
        .iter()
        .map(|dep| match dep.split_once(' ') {
            Some((name, version)) => (name.to_string(), version.to_string()),
            None => {
                let locked = entries
                    .iter()
                    .find(|e| e.name == *dep)
                    .unwrap_or_else(|| panic!("dependency {dep} not found in Cargo.lock"));
                (dep.clone(), locked.version.clone())
            }
        })
        .collect();
    versions.sort();
    versions
}

/// `key = value` pairs of one `[section]` of a Cargo.toml (values unquoted).
fn profile_section(manifest: &Path, section: &str) -> Vec<(String, String)> {
    let text = fs::read_to_string(manifest).unwrap_or_default();
    let header = format!("[{section}]");
    let mut inside = false;
    let mut pairs = Vec::new();
    for line in text.lines().map(str::trim) {
        if line.starts_with('[') {
            inside = line == header;
        } else if inside {
            let line = line.split('#').next().unwrap_or("").trim();
            if let Some((key, value)) = line.split_once('=') {
                pairs.push((key.trim().to_string(), value.trim().trim_matches('"').to_string()));
            }
        }
    }
    pairs
}
