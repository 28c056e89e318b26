package org.equibench.runner.provision;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RustSourceMirrorTest {
    @TempDir
    Path tmp;

    @Test
    void aSecondCloneWithTheSameSourcesLeavesTheMirrorUntouched() throws IOException {
        Path cloneA = workspace("a", "fn main() {}");
        Path cloneB = workspace("b", "fn main() {}");
        Path cache = tmp.resolve("cache");
        RustSourceMirror fromA = new RustSourceMirror(cloneA, cache);
        Path builtIn = fromA.locked(dir -> dir);
        assertThat(builtIn).isEqualTo(cache.resolve("rust-workspace"));
        Path main = cache.resolve("rust-workspace/runner/src/main.rs");
        FileTime built = FileTime.fromMillis(1_000_000);
        Files.setLastModifiedTime(main, built);

        // Cargo's fingerprint of a workspace crate is its path and its files' times: neither may move
        assertThat(new RustSourceMirror(cloneB, cache).sync()).isZero();
        assertThat(Files.getLastModifiedTime(main)).isEqualTo(built);
    }

    @Test
    void changedFilesAreCopiedRemovedOnesDeletedAndBuildOutputsLeftOut() throws IOException {
        Path clone = workspace("a", "fn main() {}");
        Path cache = tmp.resolve("cache");
        RustSourceMirror mirror = new RustSourceMirror(clone, cache);
        Files.writeString(clone.resolve("runner/src/old.rs"), "// gone soon");
        Files.createDirectories(clone.resolve("target/release"));
        Files.writeString(clone.resolve("target/release/big"), "binary");
        assertThat(mirror.sync()).isEqualTo(3);

        Files.writeString(clone.resolve("runner/src/main.rs"), "fn main() { println!(); }");
        Files.delete(clone.resolve("runner/src/old.rs"));
        assertThat(mirror.sync()).isEqualTo(1);
        assertThat(Files.readString(mirror.dir().resolve("runner/src/main.rs"))).contains("println");
        assertThat(mirror.dir().resolve("runner/src/old.rs")).doesNotExist();
        assertThat(mirror.dir().resolve("target")).doesNotExist();
    }

    private Path workspace(String name, String main) throws IOException {
        Path dir = tmp.resolve(name);
        Files.createDirectories(dir.resolve("runner/src"));
        Files.writeString(dir.resolve("Cargo.toml"), "[workspace]\nmembers = [\"runner\"]\n");
        Files.writeString(dir.resolve("runner/src/main.rs"), main);
        return dir;
    }
}
