package org.equibench.runner;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The environment a runner process starts with: a few variables passed on from the harness (where programs are,
 * whose home, the locale, the temporary folder, the GPUs a job was given), then the protocol's thread variables and
 * the launcher's own. Nothing else: a variable the user happened to set (a JAVA_TOOL_OPTIONS, an LD_PRELOAD, a
 * library's tuning switch) would change what one row measures and not another.
 */
public final class RunnerEnvironment {
    /** Passed on from the harness's environment, where set. */
    public static final List<String> PASSED_ON = List.of("PATH", "HOME", "USER", "LOGNAME", "LANG", "LC_ALL", "LC_CTYPE", "TZ",
            "TMPDIR", "CUDA_VISIBLE_DEVICES", "EQUIBENCH_CACHE");

    private RunnerEnvironment() {
    }

    /** The passed-on variables from {@code harness}, overlaid with {@code set} (thread and launcher variables). */
    public static Map<String, String> of(Map<String, String> harness, Map<String, String> set) {
        Map<String, String> env = new TreeMap<>();
        for (String name : PASSED_ON) {
            String value = harness.get(name);
            if (value != null) {
                env.put(name, value);
            }
        }
        env.putAll(set);
        return env;
    }
}
