package org.equibench.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Every row of the README's table of bad inputs and faults names tests that exist. */
class BadInputsTableTest {
    private static final Pattern JAVA_TEST = Pattern.compile("`([A-Z][A-Za-z0-9]*Test)(?:\\.([a-zA-Z0-9_]+))?`");
    private static final Pattern PYTHON_TEST = Pattern.compile("`(test_[a-z0-9_]+\\.py)`");

    @Test
    void everyRowNamesTestsThatExist() throws IOException {
        String readme = Files.readString(Path.of("README.md"));
        String table = readme.substring(readme.indexOf("## Bad inputs and faults"));
        table = table.substring(0, table.indexOf("\n## ", 1));
        List<String> rows = table.lines().filter(l -> l.startsWith("| ") && !l.startsWith("| what went wrong")).toList();
        assertThat(rows).as("at least 30 bad inputs and faults").hasSizeGreaterThanOrEqualTo(30);
        List<String> missing = new ArrayList<>();
        for (String row : rows) {
            String tests = row.substring(row.lastIndexOf("| ", row.length() - 3));
            Matcher java = JAVA_TEST.matcher(tests);
            Matcher python = PYTHON_TEST.matcher(tests);
            boolean any = false;
            while (java.find()) {
                any = true;
                Path source = find(java.group(1) + ".java");
                if (source == null) {
                    missing.add(java.group(1));
                } else if (java.group(2) != null && !Files.readString(source).contains(" " + java.group(2) + "(")) {
                    missing.add(java.group(1) + "." + java.group(2));
                }
            }
            while (python.find()) {
                any = true;
                if (!Files.exists(Path.of("containers/python/tests", python.group(1)))) {
                    missing.add(python.group(1));
                }
            }
            if (!any) {
                missing.add("no test named in: " + row);
            }
        }
        assertThat(missing).isEmpty();
    }

    private static Path find(String fileName) throws IOException {
        try (Stream<Path> files = Files.walk(Path.of("src/test/java"))) {
            return files.filter(p -> p.getFileName().toString().equals(fileName)).findFirst().orElse(null);
        }
    }
}
