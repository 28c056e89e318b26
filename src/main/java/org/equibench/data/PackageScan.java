package org.equibench.data;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Modifier;
import java.net.JarURLConnection;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Enumeration;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.stream.Stream;

/**
 * Finds the concrete classes of a package (and its sub-packages) that implement an interface, and makes one of
 * each, so that a new task or Java row is found by being there: no list to edit beside it. Reads class
 * directories and jars of the class path.
 */
public final class PackageScan {
    private PackageScan() {
    }

    /** One instance of every concrete, public class under {@code pkg} implementing {@code type}, by class name. */
    public static <T> List<T> instances(String pkg, Class<T> type) {
        List<T> found = new ArrayList<>();
        for (String name : classNames(pkg)) {
            try {
                Class<?> c = Class.forName(name, false, type.getClassLoader());
                if (type.isAssignableFrom(c) && !c.isInterface() && !Modifier.isAbstract(c.getModifiers())
                        && Modifier.isPublic(c.getModifiers()) && c.getEnclosingClass() == null) {
                    found.add(type.cast(c.getDeclaredConstructor().newInstance()));
                }
            } catch (ReflectiveOperationException | LinkageError e) {
                throw new IllegalStateException("cannot load " + name + " while looking for " + type.getSimpleName() + "s", e);
            }
        }
        found.sort(Comparator.comparing(o -> o.getClass().getName()));
        return found;
    }

    static List<String> classNames(String pkg) {
        String dir = pkg.replace('.', '/');
        List<String> names = new ArrayList<>();
        try {
            Enumeration<URL> roots = PackageScan.class.getClassLoader().getResources(dir);
            while (roots.hasMoreElements()) {
                URL url = roots.nextElement();
                if (url.getProtocol().equals("file")) {
                    Path base = Path.of(url.toURI());
                    try (Stream<Path> files = Files.walk(base)) {
                        files.filter(p -> p.toString().endsWith(".class") && !p.getFileName().toString().contains("$"))
                                .forEach(p -> names.add(pkg + "." + base.relativize(p).toString()
                                        .replace(java.io.File.separatorChar, '.').replaceAll("\\.class$", "")));
                    }
                } else if (url.getProtocol().equals("jar")) {
                    JarURLConnection jar = (JarURLConnection) url.openConnection();
                    for (JarEntry e : java.util.Collections.list(jar.getJarFile().entries())) {
                        String n = e.getName();
                        if (n.startsWith(dir + "/") && n.endsWith(".class") && !n.contains("$")) {
                            names.add(n.replace('/', '.').replaceAll("\\.class$", ""));
                        }
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
        return names.stream().distinct().sorted().toList();
    }
}
