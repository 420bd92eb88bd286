package io.epollhub.it;

import io.epollhub.it.HttpConnection.Response;
import io.epollhub.server.HttpConfig;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static io.epollhub.it.RunningServer.sample;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** /healthz and /metrics over real sockets: exact counters after known traffic, health during shutdown. */
class OperationsIT {

    @Test
    void metricsCountKnownTrafficExactly() throws Exception {
        try (RunningServer server = RunningServer.start()) {
            try (HttpConnection http = new HttpConnection(server.http())) {
                for (int i = 0; i < 3; i++) {
                    assertEquals(200, http.exchange("GET / HTTP/1.1\r\nHost: t\r\n\r\n").status());
                }
                assertEquals(404, http.exchange("GET /nope HTTP/1.1\r\nHost: t\r\n\r\n").status());
                assertEquals(404, http.exchange("GET /nope/again HTTP/1.1\r\nHost: t\r\n\r\n").status());
                assertEquals(405, http.exchange("POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 0\r\n\r\n").status());
                assertEquals("ok\n", http.exchange("GET /healthz HTTP/1.1\r\nHost: t\r\n\r\n").body());
            }
            List<LineClient> chat = LineClient.joinRoom(server.chat(), 3);
            chat.get(0).send("one\n/me two\n");
            for (LineClient receiver : chat.subList(1, 3)) {
                assertEquals("[guest-1] one", receiver.readLine());
                assertEquals("* guest-1 two", receiver.readLine());
            }
            String text;
            try (HttpConnection http = new HttpConnection(server.http())) {
                Response metrics = http.exchange("GET /metrics HTTP/1.1\r\nHost: t\r\n\r\n");
                assertEquals(200, metrics.status());
                assertEquals("text/plain; version=0.0.4; charset=utf-8", metrics.headers().get("content-type"));
                text = metrics.body();
            }
            assertEquals(3, sample(text, "epollhub_http_requests_seconds_count{route=\"/\",status=\"200\"}"), text);
            assertEquals(2, sample(text, "epollhub_http_requests_seconds_count{route=\"other\",status=\"404\"}"));
            assertEquals(1, sample(text, "epollhub_http_requests_seconds_count{route=\"/\",status=\"405\"}"));
            assertEquals(1, sample(text, "epollhub_http_requests_seconds_count{route=\"/healthz\",status=\"200\"}"));
            assertEquals(2, sample(text, "epollhub_chat_messages_received_total"));
            assertEquals(4, sample(text, "epollhub_chat_messages_delivered_total"));
            assertEquals(3, sample(text, "epollhub_chat_clients"));
            assertEquals(3, sample(text, "epollhub_connections{service=\"chat\"}"));
            assertEquals(1, sample(text, "epollhub_connections{service=\"http\"}"), "the scraping connection");
            assertEquals(0, sample(text, "epollhub_chat_slow_consumer_cuts_total"));
            assertEquals(0, sample(text, "epollhub_connections_rejected_total{service=\"chat\"}"));
            assertTrue(sample(text, "epollhub_traffic_received_bytes_total{service=\"http\"}") > 100);
            assertTrue(sample(text, "epollhub_traffic_sent_bytes_total{service=\"chat\"}") > 100);
            assertEquals(3, sample(text, "epollhub_http_requests_seconds_bucket{route=\"/\",status=\"200\",le=\"+Inf\"}"));
            assertTrue(sample(text, "epollhub_http_requests_seconds_bucket{route=\"/\",status=\"200\",le=\"0.001\"}") <= 3);
            assertTrue(sample(text, "epollhub_http_requests_seconds_sum{route=\"/\",status=\"200\"}") > 0, "durations add up");
            for (String jvm : List.of("jvm_memory_used_bytes{area=\"heap\"", "jvm_buffer_memory_used_bytes{id=\"direct\"}",
                    "jvm_gc_", "jvm_threads_live_threads", "netty_allocator_memory_used{")) {
                assertTrue(text.contains(jvm), jvm + " missing");
            }
            for (LineClient client : chat) {
                client.close();
            }
        }
    }

    /** The value of one sample line, e.g. {@code name{labels} 3.0}. */
    @Test
    void metricsOffRemovesTheRoute() throws Exception {
        HttpConfig off = new HttpConfig(null, null, 1 << 20, 4, Duration.ofSeconds(10), Duration.ofSeconds(60), false);
        try (RunningServer server = RunningServer.start(off);
             HttpConnection http = new HttpConnection(server.http())) {
            assertEquals(404, http.exchange("GET /metrics HTTP/1.1\r\nHost: t\r\n\r\n").status());
        }
    }

    @Test
    void healthzTurns503OnceShutdownBegins() throws Exception {
        RunningServer server = RunningServer.start();
        try (HttpConnection http = new HttpConnection(server.http())) {
            assertEquals("ok\n", http.exchange("GET /healthz HTTP/1.1\r\nHost: t\r\n\r\n").body());
            // A request in flight holds the shutdown in its drain phase; the health check queued behind it
            // is answered during the drain. One write, so one read: the first answer shows that the server holds
            // the other two. Stopping before that could find the connection idle and close it, requests unread.
            http.send("GET / HTTP/1.1\r\nHost: t\r\n\r\nGET /sleep?ms=1000 HTTP/1.1\r\nHost: t\r\n\r\n"
                    + "GET /healthz HTTP/1.1\r\nHost: t\r\n\r\n");
            assertEquals(200, http.read().status());
            Thread stopper = new Thread(server::close);
            stopper.start();
            assertEquals("slept 1000 ms", http.read().body());
            Response health = http.read();
            assertEquals(503, health.status());
            assertEquals("shutting down\n", health.body());
            assertEquals("close", health.headers().get("connection"), health.headers().toString());
            stopper.join(10_000);
        }
    }
}
