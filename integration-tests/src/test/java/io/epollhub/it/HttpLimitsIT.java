package io.epollhub.it;

import io.epollhub.it.HttpConnection.Response;
import io.epollhub.server.HttpConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

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
