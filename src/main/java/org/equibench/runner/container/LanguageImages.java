package org.equibench.runner.container;

import com.github.dockerjava.api.model.Image;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.equibench.data.Sha256;
import org.testcontainers.images.builder.ImageFromDockerfile;

/**
 * One image per language, {@code equibench/LANGUAGE:HASH}, built with Testcontainers' {@link ImageFromDockerfile} from
 * {@code containers/LANGUAGE/Dockerfile} and {@code containers/equibench-entrypoint.sh} on the base image. HASH covers
 * the Dockerfile, the entrypoint and the base image's id, so an image is built once and reused by later runs while
 * its inputs are unchanged; when one is built, the language's images of other hashes are removed (Testcontainers with
 * Ryuk off never deletes the images it built), so each language keeps one.
 */
public final class LanguageImages {
    public static final String ENTRYPOINT = "containers/equibench-entrypoint.sh";
    private final Path root;
    private final String baseImage;
    private final Map<String, String> built = new ConcurrentHashMap<>();

    public LanguageImages(Path root, String baseImage) {
        this.root = root;
        this.baseImage = baseImage;
    }

    public static Path dockerfile(Path root, String language) {
        return root.resolve("containers").resolve(language).resolve("Dockerfile");
    }

    /** The image of a language, built when missing. The failure names the Dockerfile and its failing step. */
    public synchronized String image(String language) throws IOException {
        String known = built.get(language);
        if (known != null) {
            return known;
        }
        String image = build(language, dockerfile(root, language), root.resolve(ENTRYPOINT), baseImage);
        built.put(language, image);
        return image;
    }

    /** Builds (or finds) the image of one Dockerfile; {@code language} names its repository. */
    public static String build(String language, Path dockerfile, Path entrypoint, String baseImage) throws IOException {
        if (!Files.isRegularFile(dockerfile)) {
            throw new IOException("no Dockerfile for the " + language + " rows: " + dockerfile);
        }
        String baseId = DockerEngine.client().inspectImageCmd(baseImage).exec().getId();
        String hash = Sha256.of(Sha256.of(dockerfile) + "\n" + Sha256.of(entrypoint) + "\n" + baseImage + "\n" + baseId).substring(0, 12);
        String name = "equibench/" + language + ":" + hash;
        if (DockerEngine.hasImage(name)) {
            return name;
        }
        try {
            new ImageFromDockerfile(name, false)
                    .withFileFromPath("Dockerfile", dockerfile)
                    .withFileFromPath("equibench-entrypoint", entrypoint)
                    .withBuildArg("BASE_IMAGE", baseImage)
                    .withBuildImageCmdModifier(cmd -> cmd.withForcerm(true)) // no intermediate container left by a failed step
                    .get();
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            throw new IOException("the image " + name + " could not be built from " + dockerfile + failingStep(dockerfile, e), e);
        }
        removeOthers(language, name);
        return name;
    }

    /**
     * ": step N (INSTRUCTION) failed: MESSAGE", the step found by the command Docker reports in its error ("The command
     * '/bin/sh -c …' returned a non-zero code"), else the engine's message alone.
     */
    static String failingStep(Path dockerfile, Throwable e) {
        String message = rootMessage(e);
        Matcher m = Pattern.compile("The command '(?:/bin/sh -c )?(.*)' returned a non-zero code", Pattern.DOTALL).matcher(message);
        if (m.find()) {
            String command = m.group(1).strip().replaceAll("\\s+", " ");
            try {
                List<String> steps = steps(Files.readAllLines(dockerfile));
                for (int i = 0; i < steps.size(); i++) {
                    if (steps.get(i).replaceAll("\\s+", " ").contains(command)) {
                        return ": step " + (i + 1) + " (" + steps.get(i) + ") failed: " + message.strip();
                    }
                }
            } catch (IOException ignored) {
                // the message alone
            }
        }
        return ": " + message.strip();
    }

    /** The Dockerfile's instructions as docker build numbers its steps (comments and blank lines dropped, continuations joined). */
    static List<String> steps(List<String> lines) {
        List<String> steps = new java.util.ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (String raw : lines) {
            String line = raw.strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            if (line.endsWith("\\")) {
                current.append(line.substring(0, line.length() - 1).strip()).append(' ');
                continue;
            }
            current.append(line);
            steps.add(current.toString().strip());
            current.setLength(0);
        }
        return steps;
    }

    private static String rootMessage(Throwable e) {
        StringBuilder all = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t.getMessage() != null && !all.toString().contains(t.getMessage())) {
                all.append(all.length() == 0 ? "" : "; ").append(t.getMessage());
            }
        }
        return all.length() == 0 ? e.toString() : all.toString();
    }

    /** Removes the language's images of other hashes (earlier Dockerfiles or base images). */
    private static void removeOthers(String language, String keep) {
        String repository = "equibench/" + language;
        for (Image image : DockerEngine.client().listImagesCmd().withImageNameFilter(repository).exec()) {
            List<String> tags = image.getRepoTags() == null ? List.of() : List.of(image.getRepoTags());
            for (String tag : tags) {
                if (tag.startsWith(repository + ":") && !tag.equals(keep)) {
                    try {
                        DockerEngine.client().removeImageCmd(tag).withForce(false).exec();
                    } catch (RuntimeException e) {
                        System.err.println("[equibench] could not remove the stale image " + tag + ": " + e.getMessage());
                    }
                }
            }
        }
    }
}
