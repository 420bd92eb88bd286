package io.epollhub.it;

import io.epollhub.it.HttpConnection.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The HTTP service over real sockets: keep-alive, pipelining, HTTP/1.0, errors, and curl. */
class HttpIT {

    private static final String GET_ROOT = "GET / HTTP/1.1\r\nHost: localhost\r\n\r\n";

    private RunningServer server;

    @BeforeEach
    void start() {
        server = RunningServer.start();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void keepAliveServesSeveralRequestsOnOneConnection() throws IOException {
        try (HttpConnection connection = new HttpConnection(server.http())) {
            for (int i = 0; i < 5; i++) {
                Response response = connection.exchange(GET_ROOT);
                assertEquals("HTTP/1.1 200 OK", response.statusLine());
                assertEquals("Hello, World!", response.body());
                assertEquals("13", response.headers().get("content-length"));
                assertEquals("text/plain; charset=utf-8", response.headers().get("content-type"));
                assertTrue(response.headers().containsKey("date"), response.headers().toString());
            }
            assertEquals(1, server.server.httpConnections().size(), "one connection served all requests");
        }
    }

    @Test
    void sixteenPipelinedRequestsAreAnsweredInOrder() throws IOException {
        StringBuilder batch = new StringBuilder();
        for (int i = 0; i < 16; i++) {
            String method = i % 4 == 3 ? "HEAD" : "GET";
            String path = i % 2 == 0 ? "/" : "/missing-" + i;
            batch.append(method).append(' ').append(path).append(" HTTP/1.1\r\nHost: localhost\r\n\r\n");
        }
        try (HttpConnection connection = new HttpConnection(server.http())) {
            connection.send(batch.toString());
            for (int i = 0; i < 16; i++) {
                boolean head = i % 4 == 3;
                Response response = connection.read(head);
                int expected = i % 2 == 0 ? 200 : 404;
                assertEquals(expected, response.status(), "response " + i);
                if (!head) {
                    assertEquals(expected == 200 ? "Hello, World!" : "Not Found\n", response.body(), "response " + i);
                }
            }
        }
    }

    @Test
    void unknownPathIs404() throws IOException {
        try (HttpConnection connection = new HttpConnection(server.http())) {
            Response response = connection.exchange("GET /nope HTTP/1.1\r\nHost: localhost\r\n\r\n");
            assertEquals(404, response.status());
            assertEquals("Not Found\n", response.body());
        }
    }

    @Test
    void http10IsClosedAfterTheResponse() throws IOException {
        try (HttpConnection connection = new HttpConnection(server.http())) {
            Response response = connection.exchange("GET / HTTP/1.0\r\n\r\n");
            assertEquals("HTTP/1.0 200 OK", response.statusLine());
            assertEquals("Hello, World!", response.body());
            assertTrue(connection.closedByServer());
        }
    }

    @Test
    void http10KeepAliveIsKept() throws IOException {
        try (HttpConnection connection = new HttpConnection(server.http())) {
            String request = "GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n";
            assertEquals("keep-alive", connection.exchange(request).headers().get("connection"));
            assertEquals(200, connection.exchange(request).status());
        }
    }

    @Test
    void connectionCloseIsHonoured() throws IOException {
        try (HttpConnection connection = new HttpConnection(server.http())) {
            Response response = connection.exchange("GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
            assertEquals(200, response.status());
            assertTrue(connection.closedByServer());
        }
    }

    @Test
    void malformedRequestGets400AndIsClosed() throws IOException {
        try (HttpConnection connection = new HttpConnection(server.http())) {
            Response response = connection.exchange("GET / HTTP/1.1\r\nHost: t\r\nContent-Length: many\r\n\r\n");
            assertEquals(400, response.status());
            assertTrue(connection.closedByServer());
        }
    }

    @Test
    void curlGetsHello() throws IOException, InterruptedException {
        Process curl = new ProcessBuilder("curl", "-sS", "--max-time", "5", "-i", "http://127.0.0.1:" + server.http().getPort() + "/")
                .redirectErrorStream(true).start();
        String out = new String(curl.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(curl.waitFor(10, TimeUnit.SECONDS));
        assertEquals(0, curl.exitValue(), out);
        assertTrue(out.startsWith("HTTP/1.1 200 OK\r\n"), out);
        assertTrue(out.endsWith("\r\n\r\nHello, World!"), out);
    }
}
