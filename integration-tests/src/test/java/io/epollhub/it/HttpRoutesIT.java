package io.epollhub.it;

import io.epollhub.it.HttpConnection.Response;
import io.epollhub.server.HttpConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every route driven by curl itself, plus keep-alive and pipelining across routes on one connection. */
class HttpRoutesIT {

    @TempDir
    Path root;
    Path staticDir;
    Path filesDir;
    RunningServer server;
    String base;

    @BeforeEach
    void start() throws Exception {
        staticDir = Files.createDirectories(root.resolve("public"));
        filesDir = Files.createDirectories(root.resolve("files"));
        Files.writeString(staticDir.resolve("index.html"), "<h1>epollhub</h1>\n");
        Files.writeString(staticDir.resolve("range.txt"), "0123456789");
        server = RunningServer.start(HttpConfig.DEFAULTS.withDirectories(staticDir, filesDir));
        base = "http://127.0.0.1:" + server.http().getPort();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    /** Sends {@code request}, half-closes (as {@code nc -N} does at the end of its input), reads until the close. */
    private String halfClosed(String request) throws Exception {
        try (Socket socket = new Socket("127.0.0.1", server.http().getPort())) {
            socket.setSoTimeout(5_000);
            socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            socket.shutdownOutput();
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
        }
    }

    @Test
    void aHalfClosedClientIsAnsweredAndItsUploadStored() throws Exception {
        Files.writeString(filesDir.resolve("in.txt"), "stored");
        // Answered from the blocking pool, usually after the half-close has been seen (then with Connection: close,
        // which HttpServerHandlerTest pins down); either way answered whole, then closed: readAllBytes ends.
        String get = halfClosed("GET /files/in.txt HTTP/1.1\r\nHost: t\r\n\r\n");
        assertTrue(get.startsWith("HTTP/1.1 200 OK\r\n") && get.endsWith("\r\n\r\nstored"), get);
        String put = halfClosed("PUT /files/up.txt HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\n\r\nhello");
        assertTrue(put.startsWith("HTTP/1.1 201 Created\r\n"), put);
        assertEquals("hello", Files.readString(filesDir.resolve("up.txt")));
        String partial = halfClosed("PUT /files/part.txt HTTP/1.1\r\nHost: t\r\nContent-Length: 50\r\n\r\nhalf");
        assertEquals("", partial, "an upload cut short is not answered as stored");
        assertTrue(Files.notExists(filesDir.resolve("part.txt")));
    }

    @Test
    void curlHello() throws Exception {
        String out = Curl.run("-i", base + "/");
        assertTrue(out.startsWith("HTTP/1.1 200 OK\r\n"), out);
        assertTrue(out.contains("server: epollhub\r\n"), out);
        assertTrue(out.endsWith("\r\n\r\nHello, World!"), out);
        String head = Curl.run("-I", base + "/");
        assertTrue(head.contains("content-length: 13\r\n"), head);
    }

    @Test
    void curlEchoUserAgentSleep() throws Exception {
        assertEquals("hello world ✓", new String(Curl.run(base + "/echo/hello%20world%20%E2%9C%93")
                .getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8));
        assertEquals("epollhub-test/1.0", Curl.run("-A", "epollhub-test/1.0", base + "/user-agent"));
        assertEquals(400, Curl.status("-H", "User-Agent:", base + "/user-agent"));
        assertEquals("slept 20 ms", Curl.run(base + "/sleep?ms=20"));
        assertEquals(400, Curl.status(base + "/sleep?ms=60001"));
        assertEquals(404, Curl.status(base + "/nope"));
        assertEquals(405, Curl.status("-X", "POST", base + "/echo/x"));
        assertEquals(204, Curl.status("-X", "OPTIONS", base + "/echo/x"));
        assertEquals(204, Curl.status("-X", "OPTIONS", "--request-target", "*", base + "/"));
    }

    @Test
    void curlFilesApi() throws Exception {
        Path upload = root.resolve("upload.bin");
        Files.write(upload, new byte[] {1, 2, 3, 0, (byte) 255});
        assertEquals(201, Curl.status("-X", "PUT", "--data-binary", "@" + upload, base + "/files/dir/a.bin"));
        assertEquals(204, Curl.status("-X", "PUT", "--data-binary", "@" + upload, base + "/files/dir/a.bin"));
        assertEquals(409, Curl.status("--data-binary", "@" + upload, base + "/files/dir/a.bin"));
        assertEquals(201, Curl.status("--data-binary", "x", base + "/files/dir/b.txt"));
        assertEquals(204, Curl.status("-X", "PATCH", "--data-binary", "yz", base + "/files/dir/b.txt"));
        assertEquals("xyz", Curl.run(base + "/files/dir/b.txt"));
        byte[] got = Curl.run(base + "/files/dir/a.bin").getBytes(StandardCharsets.ISO_8859_1);
        assertEquals(5, got.length);
        assertEquals((byte) 255, got[4]);
        assertEquals(204, Curl.status("-X", "DELETE", base + "/files/dir/a.bin"));
        assertEquals(404, Curl.status("-X", "DELETE", base + "/files/dir/a.bin"));
        assertEquals(403, Curl.status("--path-as-is", base + "/files/../secret"));
        assertEquals(403, Curl.status(base + "/files/%2e%2e/secret"));
    }

    @Test
    void curlStaticConditionalAndRange() throws Exception {
        String headers = Curl.run("-D", "-", "-o", "/dev/null", base + "/static/");
        assertTrue(headers.contains("content-type: text/html; charset=utf-8"), headers);
        String etag = headers.lines().filter(l -> l.startsWith("etag: ")).findFirst().orElseThrow().substring(6).trim();
        assertEquals(304, Curl.status("-H", "If-None-Match: " + etag, base + "/static/index.html"));
        assertEquals("2345", Curl.run("-H", "Range: bytes=2-5", base + "/static/range.txt"));
        assertEquals(416, Curl.status("-H", "Range: bytes=50-", base + "/static/range.txt"));
    }

    @Test
    void gzipDecodesToTheOriginal() throws Exception {
        String text = "gzip me please ".repeat(40);
        Files.writeString(filesDir.resolve("t.txt"), text);
        String long1 = "x".repeat(500);
        try (HttpConnection connection = new HttpConnection(server.http())) {
            Response gz = connection.exchange("GET /echo/" + long1 + " HTTP/1.1\r\nHost: t\r\nAccept-Encoding: deflate, gzip;q=0.8\r\n\r\n");
            assertEquals("gzip", gz.headers().get("content-encoding"));
            byte[] compressed = gz.bytes();
            String plain = new String(new GZIPInputStream(new ByteArrayInputStream(compressed)).readAllBytes(), StandardCharsets.UTF_8);
            assertEquals(long1, plain);
        }
        assertEquals(long1, Curl.run("--compressed", base + "/echo/" + long1));
    }

    @Test
    void keepAliveAndPipeliningAcrossRoutes() throws Exception {
        Files.writeString(filesDir.resolve("f.txt"), "file body");
        String batch = "GET /sleep?ms=100 HTTP/1.1\r\nHost: t\r\n\r\n"
                + "GET /echo/one HTTP/1.1\r\nHost: t\r\n\r\n"
                + "GET /static/range.txt HTTP/1.1\r\nHost: t\r\n\r\n"
                + "GET /files/f.txt HTTP/1.1\r\nHost: t\r\n\r\n"
                + "PUT /files/g.txt HTTP/1.1\r\nHost: t\r\nContent-Length: 3\r\n\r\nabc"
                + "GET /files/g.txt HTTP/1.1\r\nHost: t\r\n\r\n"
                + "GET / HTTP/1.1\r\nHost: t\r\n\r\n";
        try (HttpConnection connection = new HttpConnection(server.http())) {
            connection.send(batch);
            assertEquals("slept 100 ms", connection.read().body());
            assertEquals("one", connection.read().body());
            assertEquals("0123456789", connection.read().body());
            assertEquals("file body", connection.read().body());
            assertEquals(201, connection.read().status());
            assertEquals("abc", connection.read().body());
            assertEquals("Hello, World!", connection.read().body());
        }
    }
}
