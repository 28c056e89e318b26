package org.equibench.check;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.equibench.data.Json;
import org.equibench.data.Sha256;

/**
 * Committed reference outputs (data/reference/TASK/*.npy + PROVENANCE.json), so Java and Rust rows can be
 * checked where no Python is installed. A golden is valid only for the spec it was made from: its
 * fingerprint must equal the current spec's, otherwise it must be regenerated.
 */
public final class GoldenReference {
    public static final String PROVENANCE = "PROVENANCE.json";

    /** What PROVENANCE.json records about a golden. */
    public record Provenance(String task, String referenceImpl, String specFingerprint, String createdAt,
                             Map<String, Object> runtime, Map<String, String> outputs, Map<String, String> sha256,
                             Map<String, Double> metrics, String regenerate) {
    }

    private final Path dir;

    public GoldenReference(Path referenceRoot, String task) {
        this.dir = referenceRoot.resolve(task);
    }

    public Path dir() {
        return dir;
    }

    public Optional<Provenance> provenance() throws IOException {
        Path file = dir.resolve(PROVENANCE);
        return Files.isRegularFile(file) ? Optional.of(Json.read(file, Provenance.class)) : Optional.empty();
    }

    public EquivalenceGate.Outputs outputs(Provenance p) {
        Map<String, Path> files = new LinkedHashMap<>();
        p.outputs().forEach((name, file) -> files.put(name, dir.resolve(file)));
        return new EquivalenceGate.Outputs("golden " + p.referenceImpl(), files, p.metrics());
    }

    /** Replaces the golden with the given outputs of a reference run. */
    public void write(String task, String referenceImpl, String specFingerprint, Map<String, Object> runtime,
                      EquivalenceGate.Outputs outputs, String regenerateCommand) throws IOException {
        Files.createDirectories(dir);
        try (var old = Files.list(dir)) {
            for (Path p : old.filter(f -> f.toString().endsWith(".npy")).toList()) {
                Files.delete(p);
            }
        }
        Map<String, String> files = new LinkedHashMap<>();
        Map<String, String> digests = new LinkedHashMap<>();
        for (var e : outputs.files().entrySet()) {
            String name = e.getKey() + ".npy";
            Files.copy(e.getValue(), dir.resolve(name));
            files.put(e.getKey(), name);
            digests.put(e.getKey(), Sha256.of(dir.resolve(name)));
        }
        Json.writeAtomically(dir.resolve(PROVENANCE), new Provenance(task, referenceImpl, specFingerprint,
                Instant.now().toString(), runtime, files, digests, outputs.metrics(), regenerateCommand));
    }
}
