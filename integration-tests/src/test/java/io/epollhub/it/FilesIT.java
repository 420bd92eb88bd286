package io.epollhub.it;

import io.epollhub.server.HttpConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The files API under pressure: concurrent appends, lost connections, and files far larger than the heap. */
class FilesIT {

    @TempDir
    Path filesDir;

    @Test
    void concurrentAppendsToOneFileNeverInterleave() throws Exception {
        int clients = 8;
        int appends = 25;
        String padding = "p".repeat(2000);
        try (RunningServer server = RunningServer.start(HttpConfig.DEFAULTS.withDirectories(null, filesDir))) {
            ExecutorService pool = Executors.newFixedThreadPool(clients);
            try {
                List<Future<?>> done = new ArrayList<>();
                for (int c = 0; c < clients; c++) {
                    int client = c;
                    done.add(pool.submit(() -> {
                        try (HttpConnection connection = new HttpConnection(server.http())) {
                            for (int j = 0; j < appends; j++) {
                                String line = "client-" + client + " line-" + j + " " + padding + "\n";
                                int status = connection.exchange("PATCH /files/log.txt HTTP/1.1\r\nHost: t\r\nContent-Length: "
                                        + line.length() + "\r\n\r\n" + line).status();
                                assertTrue(status == 201 || status == 204, "status " + status);
                            }
                        }
                        return null;
                    }));
                }
                for (Future<?> f : done) {
                    f.get(60, TimeUnit.SECONDS);
                }
            } finally {
                pool.shutdownNow();
            }
        }
        List<String> lines = Files.readAllLines(filesDir.resolve("log.txt"));
        assertEquals(clients * appends, lines.size());
        int[] next = new int[clients];
        for (String line : lines) {
            assertTrue(line.matches("client-\\d line-\\d+ p{2000}"), "torn line: " + line.substring(0, Math.min(60, line.length())));
            int client = line.charAt(7) - '0';
            int j = Integer.parseInt(line.substring(line.indexOf("line-") + 5, line.indexOf(' ', line.indexOf("line-"))));
            assertEquals(next[client]++, j, "client " + client + "'s appends out of order");
        }
    }

    @Test
    void aClientLostMidUploadLeavesNoFileBehind() throws Exception {
        try (RunningServer server = RunningServer.start(HttpConfig.DEFAULTS.withDirectories(null, filesDir))) {
            try (Socket socket = new Socket()) {
                socket.connect(server.http(), 5_000);
                OutputStream out = socket.getOutputStream();
                out.write("PUT /files/sub/partial.bin HTTP/1.1\r\nHost: t\r\nContent-Length: 10485760\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                byte[] chunk = new byte[64 * 1024];
                for (int i = 0; i < 32; i++) { // 2 MiB of 10
                    out.write(chunk);
                }
                out.flush();
                Thread.sleep(200);
                socket.setSoLinger(true, 0); // vanish
            }
            RunningServer.await(() -> leftovers().isEmpty(), 10, "files left after a lost upload: " + leftovers());
            assertFalse(Files.exists(filesDir.resolve("sub/partial.bin")));
            try (HttpConnection connection = new HttpConnection(server.http())) {
                assertEquals(200, connection.exchange("GET / HTTP/1.1\r\nHost: t\r\n\r\n").status(), "server still serving");
            }
        }
    }

    /** The regular files under the files directory; a walk that met a directory being removed counts as not yet clean. */
    private List<String> leftovers() {
        try (Stream<Path> files = Files.walk(filesDir)) {
            return files.filter(Files::isRegularFile).map(Path::toString).toList();
        } catch (IOException e) {
            return List.of(e.toString());
        } catch (UncheckedIOException e) { // the server removed a directory mid-walk: look again
            return List.of(e.getCause().toString());
        }
    }

    /**
     * 256 MiB up and down through a server whose heap is capped at 64 MiB: a body aggregated in memory
     * anywhere would end in an OutOfMemoryError. Meanwhile GET / keeps being answered; its worst latency
     * is printed.
     */
    @Test
    void aFileFourTimesTheHeapGoesUpAndDownIntact() throws Exception {
        long size = 256L << 20;
        try (ServerProcess server = ServerProcess.start(List.of("-Xmx64m"), "--host", "127.0.0.1", "--http-port", "0",
                "--chat-port", "0", "--files-dir", filesDir.toString(), "--max-body", "300MiB").awaitStarted()) {
            HelloProbe probe = new HelloProbe(server);
            probe.start();
            byte[] sent;
            try (Socket socket = new Socket()) {
                socket.connect(server.http(), 5_000);
                socket.setSoTimeout(60_000);
                OutputStream out = socket.getOutputStream();
                out.write(("PUT /files/big.bin HTTP/1.1\r\nHost: t\r\nContent-Length: " + size + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                MessageDigest digest = MessageDigest.getInstance("SHA-256");
                byte[] chunk = new byte[1 << 20];
                for (int i = 0; i < size / chunk.length; i++) {
                    Arrays.fill(chunk, (byte) i);
                    chunk[0] = (byte) (i >> 8);
                    digest.update(chunk);
                    out.write(chunk);
                }
                out.flush();
                sent = digest.digest();
                String status = new String(socket.getInputStream().readNBytes(12), StandardCharsets.US_ASCII);
                assertEquals("HTTP/1.1 201", status);
            }
            assertEquals(size, Files.size(filesDir.resolve("big.bin")));
            try (Socket socket = new Socket()) {
                socket.connect(server.http(), 5_000);
                socket.setSoTimeout(60_000);
                socket.getOutputStream().write("GET /files/big.bin HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                InputStream in = socket.getInputStream();
                skipHead(in);
                MessageDigest digest = MessageDigest.getInstance("SHA-256");
                byte[] buf = new byte[1 << 16];
                long received = 0;
                for (int n; (n = in.read(buf)) > 0; ) {
                    digest.update(buf, 0, n);
                    received += n;
                }
                assertEquals(size, received);
                assertEquals(HexFormat.of().formatHex(sent), HexFormat.of().formatHex(digest.digest()));
            }
            probe.stop();
            System.out.printf("256 MiB up and down with -Xmx64m; GET / meanwhile: %d requests, worst %.1f ms%n",
                    probe.count, probe.worstNanos / 1e6);
            String output = server.output();
            assertFalse(output.contains("OutOfMemoryError"), output);
            assertTrue(probe.count > 0);
        }
    }

    private static void skipHead(InputStream in) throws IOException {
        int matched = 0;
        byte[] end = {'\r', '\n', '\r', '\n'};
        while (matched < 4) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("no response head");
            }
            matched = b == end[matched] ? matched + 1 : (b == '\r' ? 1 : 0);
        }
    }

    /** GET / every 20 ms on its own connection, keeping the worst latency. */
    private static final class HelloProbe implements Runnable {
        private final ServerProcess server;
        private volatile boolean running = true;
        private Thread thread;
        volatile long worstNanos;
        volatile int count;

        HelloProbe(ServerProcess server) {
            this.server = server;
        }

        void start() {
            thread = new Thread(this, "hello-probe");
            thread.start();
        }

        void stop() throws InterruptedException {
            running = false;
            thread.join(10_000);
        }

        @Override
        public void run() {
            try (HttpConnection connection = new HttpConnection(server.http())) {
                while (running) {
                    long t = System.nanoTime();
                    connection.exchange("GET / HTTP/1.1\r\nHost: t\r\n\r\n");
                    worstNanos = Math.max(worstNanos, System.nanoTime() - t);
                    count++;
                    Thread.sleep(20);
                }
            } catch (Exception e) {
                count = -1_000_000;
            }
        }
    }
}
