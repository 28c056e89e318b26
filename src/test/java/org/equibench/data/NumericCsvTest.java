package org.equibench.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NumericCsvTest {
    private static final List<String> HEADER = List.of("a", "b", "label");

    @TempDir
    Path dir;

    private Path csv(String text) throws IOException {
        Path f = dir.resolve("t.csv");
        Files.writeString(f, text);
        return f;
    }

    @Test
    void readsNumbersAndLabels() throws Exception {
        NumericCsv t = NumericCsv.read(csv("a,b,label\n1.5,2,0\n-3,4e2,2\n"), HEADER);
        assertThat(t.rowCount()).isEqualTo(2);
        assertThat(t.get(1, 1)).isEqualTo(400.0);
        assertThat(t.labels(2, 3)).containsExactly(0, 2);
    }

    @Test
    void namesFileLineAndProblem() throws IOException {
        assertThatThrownBy(() -> NumericCsv.read(csv("a,b,label\n1,2,0\n1,2\n"), HEADER))
                .hasMessage("t.csv line 3: expected 3 columns, found 2");
        assertThatThrownBy(() -> NumericCsv.read(csv("a,b,label\n1,abc,0\n"), HEADER))
                .hasMessage("t.csv line 2: column 2 (b) is not a number: 'abc'");
        assertThatThrownBy(() -> NumericCsv.read(csv("a,b,label\n1,2,0\nNaN,2,0\n"), HEADER))
                .hasMessage("t.csv line 3: column 1 (a) is not finite: 'NaN'");
        assertThatThrownBy(() -> NumericCsv.read(csv("a,b,label\nInfinity,2,0\n"), HEADER))
                .hasMessageContaining("line 2").hasMessageContaining("not finite");
        assertThatThrownBy(() -> NumericCsv.read(csv("x,y,label\n1,2,0\n"), HEADER))
                .hasMessageContaining("t.csv line 1: header is [x, y, label]");
        assertThatThrownBy(() -> NumericCsv.read(csv(""), HEADER)).hasMessageContaining("file is empty");
        assertThatThrownBy(() -> NumericCsv.read(dir.resolve("absent.csv"), HEADER)).hasMessageContaining("file not found");
    }

    @Test
    void rejectsLabelsOutsideTheClassSet() throws Exception {
        NumericCsv t = NumericCsv.read(csv("a,b,label\n1,2,0\n\n1,2,3\n1,2,1.5\n"), HEADER);
        assertThatThrownBy(() -> t.labels(2, 3)).hasMessage("t.csv line 4: label 3.0 in column 3 (label) is not one of the classes 0..2");
    }
}
