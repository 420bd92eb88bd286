package io.epollhub.it;

import io.epollhub.it.HttpConnection.Response;
import io.epollhub.server.HttpConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Limits, smuggling defences, timeouts and /sleep concurrency, over real sockets. */
class HttpLimitsIT {

    static Stream<Arguments> refused() {
        return Stream.of(
                Arguments.of("GET /" + "a".repeat(5000) + " HTTP/1.1\r\nHost: t\r\n\r\n", 414),
                Arguments.of("GET / HTTP/1.1\r\nHost: t\r\nX-Big: " + "b".repeat(9000) + "\r\n\r\n", 431),
                Arguments.of("PUT /x HTTP/1.1\r\nHost: t\r\nContent-Length: 2000\r\n\r\n", 413),
                Arguments.of("POST / HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\nContent-Length: 4\r\n\r\n0\r\n\r\n", 400),
                Arguments.of("GET / HTTP/1.1\r\nHost: t\r\nContent-Length: 1\r\nContent-Length: 1\r\n\r\nx", 400),
                Arguments.of("GET / HTTP/1.1\r\nHost: t\r\nContent-Length: 1x\r\n\r\n", 400),
                Arguments.of("POST / HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: compress\r\n\r\n", 501),
                Arguments.of("G{T / HTTP/1.1\r\nHost: t\r\n\r\n", 400),
                Arguments.of("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", 505),
                Arguments.of("GET /\r\n\r\n", 400));
    }

    @ParameterizedTest(name = "{1}: {0}")
    @MethodSource("refused")
    void refusedWithItsStatusThenClosed(String request, int status) throws Exception {
        try (RunningServer server = RunningServer.start(HttpConfig.DEFAULTS.withLimits(1024, Duration.ofSeconds(10), Duration.ofSeconds(60)));
             HttpConnection connection = new HttpConnection(server.http())) {
            Response response = connection.exchange(request);
            assertEquals(status, response.status());
            assertTrue(connection.closedByServer());
        }
    }

    @Test
    void expectContinueOverTheLimitIsRefusedBeforeTheBody() throws Exception {
        try (RunningServer server = RunningServer.start(HttpConfig.DEFAULTS.withLimits(1024, Duration.ofSeconds(10), Duration.ofSeconds(60)));
             HttpConnection connection = new HttpConnection(server.http())) {
            // The body is never sent: the answer must come from the head alone.
            Response response = connection.exchange("PUT /files/x HTTP/1.1\r\nHost: t\r\nExpect: 100-continue\r\nContent-Length: 5000\r\n\r\n");
            assertEquals(413, response.status());
            assertTrue(connection.closedByServer());
        }
    }

    @Test
    void aHeadTooSlowGets408AndTheConnectionCloses() throws Exception {
        try (RunningServer server = RunningServer.start(HttpConfig.DEFAULTS.withLimits(1024, Duration.ofMillis(300), Duration.ofSeconds(60)));
             HttpConnection connection = new HttpConnection(server.http())) {
            connection.send("GET / HTTP/1.1\r\nHost: slow");
            long start = System.nanoTime();
            assertEquals(408, connection.read().status());
            assertTrue(connection.closedByServer());
            System.out.printf("slowloris cut after %d ms%n", (System.nanoTime() - start) / 1_000_000);
        }
    }

    @Test
    void aSlowHeadAfterAnAnswerIsClosedWithout408() throws Exception {
        try (RunningServer server = RunningServer.start(HttpConfig.DEFAULTS.withLimits(1024, Duration.ofMillis(300), Duration.ofSeconds(60)));
             HttpConnection connection = new HttpConnection(server.http())) {
            assertEquals(200, connection.exchange("GET / HTTP/1.1\r\nHost: t\r\n\r\n").status());
            Thread.sleep(500); // idle between requests is not slowloris
            assertEquals(200, connection.exchange("GET / HTTP/1.1\r\nHost: t\r\n\r\n").status());
            connection.send("GET / HT");
            assertTrue(connection.closedByServer());
        }
    }

    @Test
    void idleKeepAliveConnectionsAreClosed() throws Exception {
        try (RunningServer server = RunningServer.start(HttpConfig.DEFAULTS.withLimits(1024, Duration.ofSeconds(10), Duration.ofMillis(300)));
             HttpConnection connection = new HttpConnection(server.http())) {
            assertEquals(200, connection.exchange("GET / HTTP/1.1\r\nHost: t\r\n\r\n").status());
            assertTrue(connection.closedByServer());
        }
    }

    /** Larger than what the two sockets' kernel buffers hold on loopback, so the server's sendfile waits on the client. */
    private static final int DOWNLOAD = 64 << 20;

    @Test
    void aDownloadTheClientNeverReadsIsCutAfterTheIdleTime(@TempDir Path dir) throws Exception {
        try (RunningServer server = downloadServer(dir);
             Socket socket = requestDownload(server)) {
            Thread.sleep(2_000); // several idle times without reading
            long received = socket.getInputStream().transferTo(OutputStream.nullOutputStream());
            assertTrue(received < DOWNLOAD, "cut short: " + received + " bytes of " + DOWNLOAD);
        }
    }

    @Test
    void aSlowDownloadThatKeepsReadingOutlastsTheIdleTime(@TempDir Path dir) throws Exception {
        try (RunningServer server = downloadServer(dir);
             Socket socket = requestDownload(server)) {
            InputStream in = socket.getInputStream();
            byte[] chunk = new byte[1 << 20];
            long received = 0;
            long start = System.nanoTime();
            for (int n; (n = in.read(chunk)) != -1; ) {
                received += n;
                Thread.sleep(n / 40_000); // about 40 MB/s: about 1.6 s for the file, several idle times
            }
            long millis = (System.nanoTime() - start) / 1_000_000;
            assertTrue(received > DOWNLOAD, "the whole file and its head: " + received + " bytes");
            assertTrue(millis > 1_000, "the download took several idle times: " + millis + " ms");
        }
    }

    /**
     * A client that pipelines far more requests than it reads answers is read only as fast as it takes them: the
     * server answers until its write buffer holds more than the high mark, then stops reading, so the answers it
     * holds stay bounded (before, they grew until the direct memory ran out). Once the client reads, every request
     * it sent is answered, in order.
     */
    @Test
    void aClientThatSendsButDoesNotReadIsReadOnlyAsFastAsItTakesAnswers() throws Exception {
        int requests = 150_000; // 4 MB of requests, some 20 MB of answers
        byte[] request = "GET / HTTP/1.1\r\nHost: t\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
        try (RunningServer server = RunningServer.start();
             Socket socket = new Socket()) {
            socket.setReceiveBufferSize(64 * 1024);
            socket.connect(server.http());
            socket.setSoTimeout(30_000);
            Thread sender = new Thread(() -> {
                try {
                    OutputStream out = socket.getOutputStream();
                    byte[] batch = new byte[request.length * 1000];
                    for (int i = 0; i < 1000; i++) {
                        System.arraycopy(request, 0, batch, i * request.length, request.length);
                    }
                    for (int sent = 0; sent < requests; sent += 1000) {
                        out.write(batch); // the kernel's buffers take what the server does not read, up to MBs
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }, "pipelining-sender");
            sender.start();

            double answered = steady(server, "epollhub_http_requests_seconds_count{route=\"/\",status=\"200\"}");
            assertTrue(answered < requests / 2.0, answered + " of " + requests + " answered while none was taken");

            long taken = countAnswers(socket.getInputStream(), requests);
            sender.join(10_000);
            assertEquals(requests, taken, "every request answered once the client reads");
        }
    }

    /** The sample's value once it has held still for a second (within 30 s): the server has stopped answering. */
    private static double steady(RunningServer server, String sample) throws Exception {
        long deadline = System.nanoTime() + 30_000_000_000L;
        Thread.sleep(500); // the first answers are counted
        double last = server.metric(sample);
        while (true) {
            Thread.sleep(1_000);
            double now = server.metric(sample);
            if (now == last) {
                return now;
            }
            assertTrue(System.nanoTime() < deadline, "still answering after 30 s: " + now);
            last = now;
        }
    }

    /** Reads until {@code expected} hello answers have come (or the stream ends); returns how many did. */
    private static long countAnswers(InputStream in, long expected) throws IOException {
        byte[] marker = "\r\n\r\nHello, World!".getBytes(StandardCharsets.US_ASCII);
        byte[] buffer = new byte[1 << 16];
        long count = 0;
        int matched = 0;
        for (int n; count < expected && (n = in.read(buffer)) != -1; ) {
            for (int i = 0; i < n; i++) {
                if (buffer[i] == marker[matched]) {
                    if (++matched == marker.length) {
                        count++;
                        matched = 0;
                    }
                } else {
                    matched = buffer[i] == marker[0] ? 1 : 0;
                }
            }
        }
        return count;
    }

    /** A server with an idle time of 300 ms and {@link #DOWNLOAD} bytes at {@code /static/big.bin}. */
    private static RunningServer downloadServer(Path dir) throws IOException {
        Files.write(dir.resolve("big.bin"), new byte[DOWNLOAD]);
        return RunningServer.start(HttpConfig.DEFAULTS.withDirectories(dir, null)
                .withLimits(1024, Duration.ofSeconds(10), Duration.ofMillis(300)));
    }

    /** A connection that has asked for the download, closed by the server after it. */
    private static Socket requestDownload(RunningServer server) throws IOException {
        Socket socket = new Socket();
        socket.connect(server.http());
        socket.setSoTimeout(10_000);
        socket.getOutputStream().write("GET /static/big.bin HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n"
                .getBytes(StandardCharsets.US_ASCII));
        return socket;
    }

    @Test
    void aHundredConcurrentSleepsEndTogetherAndHelloStaysFast() throws Exception {
        try (RunningServer server = RunningServer.start()) {
            List<HttpConnection> sleepers = new ArrayList<>();
            try {
                long start = System.nanoTime();
                for (int i = 0; i < 100; i++) {
                    HttpConnection connection = new HttpConnection(server.http());
                    connection.send("GET /sleep?ms=1000 HTTP/1.1\r\nHost: t\r\n\r\n");
                    sleepers.add(connection);
                }
                long worstHelloNanos = 0;
                try (HttpConnection hello = new HttpConnection(server.http())) {
                    for (int i = 0; i < 20; i++) {
                        long t = System.nanoTime();
                        assertEquals(200, hello.exchange("GET / HTTP/1.1\r\nHost: t\r\n\r\n").status());
                        worstHelloNanos = Math.max(worstHelloNanos, System.nanoTime() - t);
                        Thread.sleep(20);
                    }
                }
                for (HttpConnection sleeper : sleepers) {
                    assertEquals("slept 1000 ms", sleeper.read().body());
                }
                long totalMs = (System.nanoTime() - start) / 1_000_000;
                System.out.printf("100 x /sleep?ms=1000: all answered after %d ms; slowest GET / meanwhile %.2f ms%n",
                        totalMs, worstHelloNanos / 1e6);
                // A blocked event loop would serialize them: 100 s on one loop, 50 s on two.
                assertTrue(totalMs < 5_000, "sleeps ran one after another: " + totalMs + " ms");
                assertTrue(worstHelloNanos < 1_000_000_000L, "GET / waited behind the sleeps");
            } finally {
                for (HttpConnection sleeper : sleepers) {
                    sleeper.close();
                }
            }
        }
    }
}
