package org.equibench.runner.provision;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** DJL is pointed at the venv's libtorch only when torch's version is the one DJL's JNI library was built for. */
class NativeLibrariesTest {
    @TempDir
    Path dir;

    @Test
    void torchsVersionWithoutItsLocalPart() throws Exception {
        Files.writeString(dir.resolve("version.py"), "from typing import Optional\n__version__ = '2.7.1+cu126'\ncuda = '12.6'\n");
        assertThat(NativeLibraries.torchVersion(dir)).contains("2.7.1");
        Files.writeString(dir.resolve("version.py"), "nothing here\n");
        assertThat(NativeLibraries.torchVersion(dir)).isEmpty();
        assertThat(NativeLibraries.torchVersion(dir.resolve("missing"))).isEmpty();
    }
}
