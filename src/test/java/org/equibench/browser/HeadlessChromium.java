package org.equibench.browser;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Debian's Chromium, headless, driven over the DevTools protocol with the JDK's own WebSocket client: navigate,
 * evaluate JavaScript, take screenshots. Started with a fresh profile and no background networking (this
 * machine has no network beyond package registries).
 */
public final class HeadlessChromium implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Process process;
    private final WebSocket socket;
    private final AtomicInteger ids = new AtomicInteger();
    private final Map<Integer, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();

    /** Chromium from EQUIBENCH_CHROMIUM, else chromium / chromium-browser / google-chrome on PATH. */
    public static Optional<Path> find() {
        String configured = System.getenv("EQUIBENCH_CHROMIUM");
        if (configured != null && Files.isExecutable(Path.of(configured))) {
            return Optional.of(Path.of(configured));
        }
        for (String dir : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
            for (String name : List.of("chromium", "chromium-browser", "google-chrome")) {
                Path p = Path.of(dir, name);
                if (Files.isExecutable(p)) {
                    return Optional.of(p);
                }
            }
        }
        return Optional.empty();
    }

    public static HeadlessChromium start(Path chromium, Path profileDir) throws Exception {
        Files.createDirectories(profileDir);
        Process p = new ProcessBuilder(chromium.toString(), "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
                "--disable-dev-shm-usage", "--allow-file-access-from-files", "--user-data-dir=" + profileDir,
                "--remote-debugging-port=0", "about:blank")
                .redirectErrorStream(true).redirectOutput(profileDir.resolve("chromium.log").toFile()).start();
        Path portFile = profileDir.resolve("DevToolsActivePort");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!Files.isRegularFile(portFile) || Files.readAllLines(portFile).isEmpty()) {
            if (!p.isAlive() || System.nanoTime() > deadline) {
                p.destroyForcibly();
                throw new IOException("chromium did not open its DevTools port; log: "
                        + Files.readString(profileDir.resolve("chromium.log")));
            }
            Thread.sleep(50);
        }
        int port = Integer.parseInt(Files.readAllLines(portFile).get(0).trim());
        HttpClient http = HttpClient.newHttpClient();
        JsonNode targets = JSON.readTree(http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/json/list"))
                .build(), HttpResponse.BodyHandlers.ofString()).body());
        String page = null;
        for (JsonNode t : targets) {
            if ("page".equals(t.path("type").asText())) {
                page = t.path("webSocketDebuggerUrl").asText();
            }
        }
        if (page == null) {
            p.destroyForcibly();
            throw new IOException("chromium has no page target: " + targets);
        }
        return new HeadlessChromium(p, http, page);
    }

    private HeadlessChromium(Process process, HttpClient http, String pageUrl) throws Exception {
        this.process = process;
        this.socket = http.newWebSocketBuilder().buildAsync(URI.create(pageUrl), new WebSocket.Listener() {
            private final StringBuilder partial = new StringBuilder();

            @Override
            public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
                partial.append(data);
                if (last) {
                    try {
                        JsonNode msg = JSON.readTree(partial.toString());
                        CompletableFuture<JsonNode> f = msg.has("id") ? pending.remove(msg.get("id").asInt()) : null;
                        if (f != null) {
                            f.complete(msg);
                        }
                    } catch (IOException e) {
                        // not a reply to a command of ours
                    }
                    partial.setLength(0);
                }
                ws.request(1);
                return null;
            }
        }).get(10, TimeUnit.SECONDS);
    }

    /** Sends a DevTools command and returns its result (throws on a protocol error). */
    public JsonNode call(String method, Map<String, Object> params) throws Exception {
        int id = ids.incrementAndGet();
        CompletableFuture<JsonNode> reply = new CompletableFuture<>();
        pending.put(id, reply);
        socket.sendText(JSON.writeValueAsString(Map.of("id", id, "method", method, "params", params)), true).get();
        JsonNode msg = reply.get(60, TimeUnit.SECONDS);
        if (msg.has("error")) {
            throw new IOException(method + " failed: " + msg.get("error"));
        }
        return msg.get("result");
    }

    public void open(String url, int width, int height) throws Exception {
        call("Emulation.setDeviceMetricsOverride", Map.of("width", width, "height", height, "deviceScaleFactor", 1, "mobile", false));
        call("Page.navigate", Map.of("url", url));
    }

    public JsonNode evaluate(String expression) throws Exception {
        JsonNode r = call("Runtime.evaluate", Map.of("expression", expression, "returnByValue", true, "awaitPromise", true));
        if (r.has("exceptionDetails")) {
            throw new IOException("script failed: " + r.get("exceptionDetails"));
        }
        return r.path("result").path("value");
    }

    /** Polls a boolean expression until it holds; false if it never did within the timeout. */
    public boolean waitFor(String expression, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            try {
                if (evaluate(expression).asBoolean(false)) {
                    return true;
                }
            } catch (IOException stillLoading) {
                // e.g. document.body is not there yet: try again
            }
            Thread.sleep(200);
        }
        return false;
    }

    public void screenshot(Path png) throws Exception {
        byte[] bytes = Base64.getDecoder().decode(call("Page.captureScreenshot", Map.of("format", "png")).get("data").asText());
        Files.createDirectories(png.toAbsolutePath().getParent());
        Files.write(png, bytes);
    }

    @Override
    public void close() {
        socket.abort();
        org.equibench.runner.RowExecutor.killTree(process);
    }
}
