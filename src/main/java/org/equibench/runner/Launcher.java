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

    /** The command line for one row: {@code <runner> --spec SPEC --out DIR}. */
    List<String> command(RunSpec spec, Path specFile, Path outDir);

    /** The command that prints every (task, implementation) pair the runner has, as {@code TASK IMPL} lines. */
    List<String> listCommand();

    /** Where the process starts. */
    Path workingDirectory();
}
