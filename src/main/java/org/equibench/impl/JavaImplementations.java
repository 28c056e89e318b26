package org.equibench.impl;

import org.equibench.impl.core.JavaImplementation;
import java.util.List;
import java.util.Optional;
import org.equibench.impl.classical.TribuoKmeansBlobs;
import org.equibench.impl.classical.TribuoLinregCalifornia;
import org.equibench.impl.classical.TribuoSvmDigits;
import org.equibench.impl.irismlp.DjlIrisMlp;
import org.equibench.impl.irismlp.PureJavaIrisMlp;

/** Every Java implementation the forked JVM can run. Add a new one here. */
public final class JavaImplementations {
    private static final List<JavaImplementation> ALL = List.of(
            new PureJavaIrisMlp(),
            new DjlIrisMlp(),
            new TribuoLinregCalifornia(),
            new TribuoSvmDigits(),
            new TribuoKmeansBlobs());

    private JavaImplementations() {
    }

    public static List<JavaImplementation> all() {
        return ALL;
    }

    public static Optional<JavaImplementation> find(String task, String id) {
        return ALL.stream().filter(i -> i.task().equals(task) && i.id().equals(id)).findFirst();
    }
}
