package io.epollhub.it;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code java -jar server/target/epollhub.jar} as its own process, the way users run it. Output (stdout and
 * stderr together) is collected; the bound ports come from the start log line.
 */
final class ServerProcess implements AutoCloseable {

    private static final Pattern STARTED = Pattern.compile("epollhub started: .* http=\\S+:(\\d+) chat=\\S+:(\\d+)");

    private final Process process;
    private final List<String> output = new ArrayList<>();
    private final CountDownLatch started = new CountDownLatch(1);
    /** Counted down when the output is to be read past the start line; at zero from the start unless stalled. */
    private final CountDownLatch reading;
    private volatile int httpPort;
    private volatile int chatPort;
    private final Thread reader;

    private ServerProcess(Process process, boolean stallAfterStart) {
        this.process = process;
        this.reading = new CountDownLatch(stallAfterStart ? 1 : 0);
        reader = new Thread(this::collect, "server-output");
        reader.setDaemon(true);
        reader.start();
    }

    static Path jar() {
        Path jar = Path.of(System.getProperty("epollhub.jar", "../server/target/epollhub.jar"));
        assertTrue(Files.isRegularFile(jar), "no runnable jar at " + jar.toAbsolutePath() + " (run mvn package first)");
        return jar;
    }

    /** Starts the jar with {@code args}, buffers leak-checked at PARANOID like every test. */
    static ServerProcess start(String... args) throws IOException {
        return start(List.of(), args);
    }

    /** The same, with extra JVM options (heap and direct memory caps, say). */
    static ServerProcess start(List<String> jvmOptions, String... args) throws IOException {
        return start(List.of(), jvmOptions, args);
    }

    /** The same, with at most {@code openFiles} file descriptors (util-linux's {@code prlimit}). */
    static ServerProcess startWithOpenFiles(int openFiles, String... args) throws IOException {
        return start(List.of("prlimit", "--nofile=" + openFiles + ":" + openFiles, "--"), List.of(), args);
    }

    /**
     * The same, as a user without privileges: as {@code nobody} (util-linux's {@code setpriv}) when the tests run as
     * root, whose file-system rights cover everything, else as the tests' own user.
     */
    static ServerProcess startUnprivileged(String... args) throws IOException {
        boolean root = new com.sun.security.auth.module.UnixSystem().getUid() == 0;
        return start(root ? List.of("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "--") : List.of(),
                List.of(), args);
    }

    /**
     * The same, but once the start line is read, its output is left unread until {@link #readOutput()}: the pipe
     * fills, as it does under a log collector that falls behind or a terminal paused with Ctrl-S.
     */
    static ServerProcess startWithStalledOutput(String... args) throws IOException {
        return start(List.of(), List.of(), true, args);
    }

    private static ServerProcess start(List<String> prefix, List<String> jvmOptions, String... args) throws IOException {
        return start(prefix, jvmOptions, false, args);
    }

    private static ServerProcess start(List<String> prefix, List<String> jvmOptions, boolean stallAfterStart,
                                       String... args) throws IOException {
        List<String> command = new ArrayList<>(prefix);
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Dio.netty.leakDetection.level=paranoid");
        command.addAll(jvmOptions);
        command.addAll(List.of("-jar", jar().toString()));
        command.addAll(List.of(args));
        return new ServerProcess(new ProcessBuilder(command).redirectErrorStream(true).start(), stallAfterStart);
    }

    private void collect() {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = in.readLine()) != null; ) {
                synchronized (output) {
                    output.add(line);
                }
                Matcher m = STARTED.matcher(line);
                if (m.find()) {
                    httpPort = Integer.parseInt(m.group(1));
                    chatPort = Integer.parseInt(m.group(2));
                    started.countDown();
                    reading.await();
                }
            }
        } catch (IOException e) {
            // the process ended; what was read is kept
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Reads the output again after {@link #startWithStalledOutput}. */
    void readOutput() {
        reading.countDown();
    }

    /** Waits for the start line; fails with the output so far when it does not come. */
    ServerProcess awaitStarted() throws InterruptedException {
        assertTrue(started.await(20, TimeUnit.SECONDS), "server did not start:\n" + output());
        return this;
    }

    InetSocketAddress http() {
        return new InetSocketAddress("127.0.0.1", httpPort);
    }

    InetSocketAddress chat() {
        return new InetSocketAddress("127.0.0.1", chatPort);
    }

    long pid() {
        return process.pid();
    }

    /** Sends SIGTERM (what {@code kill}, {@code docker stop} and systemd send). */
    void terminate() {
        // Through the handle: Process.destroy() would also close our end of the output pipe.
        process.toHandle().destroy();
    }

    /** The exit status, waiting at most {@code seconds}; fails if the process is still running then. */
    int awaitExit(int seconds) throws InterruptedException {
        assertTrue(process.waitFor(seconds, TimeUnit.SECONDS), "server still running after " + seconds + " s:\n" + output());
        return process.exitValue();
    }

    /** Whether the process has ended within {@code seconds}, without failing when it has not. */
    boolean exitsWithin(int seconds) throws InterruptedException {
        return process.waitFor(seconds, TimeUnit.SECONDS);
    }

    /** Waits at most {@code seconds} for {@code text} in the output; fails with the output when it does not come. */
    void awaitOutput(String text, int seconds) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (!output().contains(text)) {
            assertTrue(System.nanoTime() < deadline, "no '" + text + "' after " + seconds + " s:\n" + output());
            Thread.sleep(20);
        }
    }

    /** Everything the process printed so far, once its output has ended if it has exited. */
    String output() throws InterruptedException {
        if (!process.isAlive()) {
            reader.join(5_000); // the output ends soon after the process
        }
        synchronized (output) {
            return String.join("\n", output);
        }
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            try {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
