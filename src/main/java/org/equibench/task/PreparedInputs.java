package org.equibench.task;

import java.util.Map;
import org.equibench.runner.RunSpec.InputFile;

/** The files and hyperparameters handed, identically, to every implementation of a task. */
public record PreparedInputs(Map<String, InputFile> files, Map<String, Object> params) {
}
