package org.equibench.runner;

import org.equibench.protocol.RunSpec;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/** How to start a runner process of one language (later: a container, a Slurm job). */
public interface Launcher {
    String language();

    /** Empty when rows of this language can run; otherwise why not (e.g. "cargo not found on PATH"). */
    Optional<String> unavailableReason();

    /** Empty when this row can run; a language may build some rows apart (Rust's libtorch rows). */
    default Optional<String> unavailableReason(String impl) {
        return unavailableReason();
    }

    /** Variables this runner's processes need beside the thread variables: where their native libraries are. */
    default java.util.Map<String, String> environment() {
        return java.util.Map.of();
    }

    /** The command line for one row: {@code <runner> --spec SPEC --out DIR}. */
    List<String> command(RunSpec spec, Path specFile, Path outDir);

    /** The command that prints every (task, implementation) pair the runner has, as {@code TASK IMPL} lines. */
    List<String> listCommand();

    /** Every runner binary's list command, where a language has more than one. */
    default List<List<String>> listCommands() {
        return List.of(listCommand());
    }

    /** Where the process starts. */
    Path workingDirectory();
}
