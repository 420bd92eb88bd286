package io.epollhub.it;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The image from {@code docker/Dockerfile}, built with Podman on base images made from Debian packages
 * ({@code docker/base-images.sh}), run with both ports published: HTTP and chat through the published ports,
 * the health check, and a clean {@code podman stop}.
 *
 * <p>Skipped when Podman is missing, unless {@code EPOLLHUB_CONTAINER_TESTS=required} (CI sets it), where a
 * missing Podman fails instead.
 */
class ContainerIT {

    private static final String IMAGE = "localhost/epollhub:it";
    private static final List<String> LIMITS = List.of("--ulimit", "nofile=1024:1024", "--ulimit", "nproc=1024:1024");
    private static final Path REPO = Path.of(System.getProperty("epollhub.repo", "..")).toAbsolutePath().normalize();

    private static String container;
    private static int httpPort;
    private static int chatPort;

    @BeforeAll
    static void buildAndRun() throws Exception {
        boolean required = "required".equals(System.getenv("EPOLLHUB_CONTAINER_TESTS"));
        boolean available = new ProcessBuilder("podman", "--version").start().waitFor() == 0;
        if (!available && required) {
            throw new AssertionError("podman is required here (EPOLLHUB_CONTAINER_TESTS=required) but missing");
        }
        assumeTrue(available, "podman not installed: container test skipped (apt-get install podman runc debootstrap)");

        run(15, "bash", REPO.resolve("docker/base-images.sh").toString());
        List<String> build = new ArrayList<>(List.of("podman", "--runtime", "runc", "build", "--format", "docker",
                "--network", "host", "--build-arg", "BUILD_IMAGE=localhost/epollhub-build-base",
                "--build-arg", "RUNTIME_IMAGE=localhost/epollhub-runtime-base", "-f", "docker/Dockerfile", "-t", IMAGE));
        build.addAll(LIMITS);
        build.add(".");
        run(20, build.toArray(String[]::new));

        httpPort = freePort();
        chatPort = freePort();
        container = "epollhub-it-" + UUID.randomUUID().toString().substring(0, 8);
        List<String> start = new ArrayList<>(List.of("podman", "--runtime", "runc", "run", "-d", "--name", container,
                "-p", httpPort + ":8080", "-p", chatPort + ":9000"));
        start.addAll(LIMITS);
        start.add(IMAGE);
        run(2, start.toArray(String[]::new));
        awaitHttp();
    }

    @AfterAll
    static void remove() throws Exception {
        if (container != null) {
            new ProcessBuilder("podman", "--runtime", "runc", "rm", "-f", container).start().waitFor(60, TimeUnit.SECONDS);
        }
    }

    @Test
    void servesHttpChatHealthAndStopsCleanly() throws Exception {
        String hello = Curl.run("-i", "http://127.0.0.1:" + httpPort + "/");
        assertTrue(hello.startsWith("HTTP/1.1 200 OK"), hello);
        assertTrue(hello.endsWith("Hello, World!"), hello);

        InetSocketAddress chat = new InetSocketAddress("127.0.0.1", chatPort);
        List<LineClient> clients = LineClient.joinRoom(chat, 2);
        clients.get(0).send("hello through the container\n");
        assertTrue(clients.get(1).readLine().endsWith("] hello through the container"));

        run(1, "podman", "--runtime", "runc", "healthcheck", "run", container); // exit 0: healthy
        String metrics = Curl.run("http://127.0.0.1:" + httpPort + "/metrics");
        assertTrue(metrics.contains("epollhub_http_requests_seconds_count{route=\"/healthz\",status=\"200\"}"),
                "the health check asks /healthz: " + metrics);
        assertEquals("epollhub", run(1, "podman", "--runtime", "runc", "exec", container, "id", "-un").trim(), "runs as non-root");

        run(1, "podman", "--runtime", "runc", "stop", "-t", "20", container);
        for (LineClient client : clients) {
            assertEquals("* server shutting down", client.readLine());
            client.close();
        }
        assertEquals("0", run(1, "podman", "--runtime", "runc", "inspect", "--format", "{{.State.ExitCode}}", container).trim());
        String logs = run(1, "podman", "--runtime", "runc", "logs", container);
        assertTrue(logs.contains("epollhub started: transport=epoll (edge-triggered)"), logs);
        assertTrue(logs.contains("epollhub stopped"), logs);
    }

    private static void awaitHttp() throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (true) {
            try (HttpConnection connection = new HttpConnection(new InetSocketAddress("127.0.0.1", httpPort))) {
                if (connection.exchange("GET / HTTP/1.1\r\nHost: t\r\n\r\n").status() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("container never served HTTP:\n"
                            + run(1, "podman", "--runtime", "runc", "logs", container), notYet);
                }
                Thread.sleep(250);
            }
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    /** Runs a command in the repository root, bounded by {@code minutes}; fails with its output unless it exits 0. */
    private static String run(int minutes, String... command) throws IOException, InterruptedException {
        Path log = Files.createTempFile("podman", ".log");
        try {
            Process process = new ProcessBuilder(command).directory(REPO.toFile()).redirectErrorStream(true)
                    .redirectOutput(log.toFile()).start();
            if (!process.waitFor(minutes, TimeUnit.MINUTES)) {
                process.destroyForcibly();
                throw new AssertionError(String.join(" ", command) + " took over " + minutes + " min");
            }
            String output = Files.readString(log, StandardCharsets.UTF_8);
            assertEquals(0, process.exitValue(), String.join(" ", command) + ":\n" + output);
            return output;
        } finally {
            Files.deleteIfExists(log);
        }
    }
}
