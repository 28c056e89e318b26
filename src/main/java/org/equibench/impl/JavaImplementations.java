package org.equibench.impl;

import java.util.List;
import java.util.Optional;
import org.equibench.data.PackageScan;
import org.equibench.impl.core.JavaImplementation;

/** Every Java implementation the forked JVM can run: each public {@link JavaImplementation} class under this package. */
public final class JavaImplementations {
    private static final List<JavaImplementation> ALL =
            PackageScan.instances(JavaImplementations.class.getPackageName(), JavaImplementation.class);

    private JavaImplementations() {
    }

    public static List<JavaImplementation> all() {
        return ALL;
    }

    public static Optional<JavaImplementation> find(String task, String id) {
        return ALL.stream().filter(i -> i.task().equals(task) && i.id().equals(id)).findFirst();
    }
}
