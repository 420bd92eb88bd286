package io.epollhub.it;

import io.epollhub.server.HttpConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.function.IntFunction;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Clients that go away in the middle of things, over real sockets: reset or half-closed during a download, an
 * upload (sized or chunked), a slow answer, a metrics scrape, a file listing, a pipelined burst. Seeded, so a
 * failure repeats. The server must clean up after every one (no connection, file or buffer left behind: the leak
 * detector runs at paranoid) and keep serving.
 */
class AbortedExchangesIT {

    private static final int CONNECTIONS = 240;
    private static final int UPLOAD = 1_000_000;

    /** Requests, by connection number; every upload's body is cut short, so none may leave a file. */
    private static final List<IntFunction<byte[]>> REQUESTS = List.of(
            n -> ascii("GET /static/big.bin HTTP/1.1\r\nHost: t\r\n\r\n"),
            n -> ascii("PUT /files/up-" + n + ".bin HTTP/1.1\r\nHost: t\r\nContent-Length: " + UPLOAD + "\r\n\r\n"),
            n -> ascii("PUT /files/chunked-" + n + ".bin HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n"
                    + "400\r\n" + "c".repeat(1024) + "\r\n"),
            n -> ascii("POST /files/ HTTP/1.1\r\nHost: t\r\nContent-Length: " + UPLOAD + "\r\n\r\n"),
            n -> ascii("GET /sleep?ms=" + (n % 50) + " HTTP/1.1\r\nHost: t\r\n\r\n"),
            n -> ascii("GET /metrics HTTP/1.1\r\nHost: t\r\n\r\n"),
            n -> ascii("GET /files/ HTTP/1.1\r\nHost: t\r\nAccept-Encoding: gzip\r\n\r\n"),
            n -> ascii("GET / HTTP/1.1\r\nHost: t\r\n\r\n".repeat(2000)));

    @Test
    void clientsThatVanishMidExchangeLeaveNothingBehind(@TempDir Path dir) throws Exception {
        Path statics = Files.createDirectories(dir.resolve("public"));
        Path files = Files.createDirectories(dir.resolve("files"));
        Files.write(statics.resolve("big.bin"), new byte[2 << 20]);
        Random random = new Random(11);
        try (RunningServer server = RunningServer.start(HttpConfig.DEFAULTS.withDirectories(statics, files)
                .withLimits(UPLOAD * 2L, Duration.ofSeconds(10), Duration.ofSeconds(60)))) {
            for (int n = 0; n < CONNECTIONS; n++) {
                byte[] request = REQUESTS.get(random.nextInt(REQUESTS.size())).apply(n);
                int extra = random.nextBoolean() ? random.nextInt(UPLOAD / 2) : 0; // body bytes, if it has a body
                int ending = random.nextInt(3);
                int partial = random.nextInt(64 * 1024);
                try (Socket socket = new Socket()) {
                    socket.connect(server.http());
                    socket.setSoTimeout(2_000);
                    try {
                        socket.getOutputStream().write(request);
                        socket.getOutputStream().write(new byte[extra]);
                        switch (ending) {
                            case 0 -> socket.setSoLinger(true, 0); // reset at once
                            case 1 -> { // take part of the answer (what comes within 100 ms), then reset
                                socket.setSoTimeout(100);
                                read(socket.getInputStream(), partial);
                                socket.setSoLinger(true, 0);
                            }
                            default -> { // half-close: the server finishes what it owes, then closes
                                socket.shutdownOutput();
                                read(socket.getInputStream(), Long.MAX_VALUE);
                            }
                        }
                    } catch (IOException e) {
                        // the server refused the bytes after a GET's head and closed: what matters is what it keeps
                    }
                }
            }

            String open = "epollhub_connections{service=\"http\"}";
            long deadline = System.nanoTime() + 10_000_000_000L;
            double left = server.metric(open);
            while (left > 1 && System.nanoTime() < deadline) { // 1: the scrape's own connection
                Thread.sleep(50);
                left = server.metric(open);
            }
            assertEquals(1, left, "connections the server still holds after every client went away");
            try (Stream<Path> stored = Files.list(files)) {
                assertEquals(List.of(), stored.toList(), "a cut-short upload left a file");
            }
            try (HttpConnection http = new HttpConnection(server.http())) {
                assertEquals(200, http.exchange("GET / HTTP/1.1\r\nHost: t\r\n\r\n").status());
            }
        }
    }

    /** Reads up to {@code limit} bytes, until the end or a lull of the socket's timeout. */
    private static void read(InputStream in, long limit) throws IOException {
        byte[] buffer = new byte[8192];
        long read = 0;
        try {
            for (int n; read < limit && (n = in.read(buffer, 0, (int) Math.min(buffer.length, limit - read))) != -1; ) {
                read += n;
            }
        } catch (SocketTimeoutException e) {
            // a lull: enough was taken
        }
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
