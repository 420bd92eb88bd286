package io.epollhub.http;

import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.concurrent.ImmediateEventExecutor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

/** Every route and status of the HTTP service, on an EmbeddedChannel, file-system work run inline. */
class HttpRoutesTest {

    @TempDir
    Path root;
    Path staticDir;
    Path filesDir;
    HttpHarness http;

    @BeforeEach
    void open() throws Exception {
        staticDir = Files.createDirectories(root.resolve("public"));
        filesDir = Files.createDirectories(root.resolve("files"));
        Files.writeString(staticDir.resolve("hello.txt"), "static hello\n");
        Files.createDirectories(staticDir.resolve("docs"));
        Files.writeString(staticDir.resolve("docs/index.html"), "<h1>docs</h1>");
        Files.writeString(staticDir.resolve("range.bin"), "0123456789");
        Files.writeString(root.resolve("secret.txt"), "outside");
        http = new HttpHarness(HttpSettings.basic(Runnable::run).withDirectories(staticDir, filesDir).withLimits(1024,
                Duration.ofSeconds(10), Duration.ofSeconds(60)));
    }

    @AfterEach
    void close() {
        http.close();
    }

    private Response get(String target, String... headers) {
        return http.exchange("GET " + target + " HTTP/1.1\r\nHost: t\r\n" + String.join("", headers) + "\r\n");
    }

    private Response send(String method, String target, String body) {
        return http.request(method, target, "", body);
    }

    static Stream<Arguments> routes() {
        return Stream.of(
                Arguments.of("GET /echo/hello HTTP/1.1", 200, "hello"),
                Arguments.of("GET /echo/h%C3%A9llo%20w HTTP/1.1", 200, "h\u00c3\u00a9llo w"), // UTF-8 bytes, read as Latin-1
                Arguments.of("GET /echo/a+b HTTP/1.1", 200, "a+b"),
                Arguments.of("GET /echo/%zz HTTP/1.1", 400, "Malformed percent-encoding\n"),
                Arguments.of("POST /echo/x HTTP/1.1", 405, "Method Not Allowed\n"),
                Arguments.of("GET /user-agent HTTP/1.1", 400, "No User-Agent header\n"),
                Arguments.of("GET /sleep?ms=abc HTTP/1.1", 400, "ms must be a whole number from 0 to 60000\n"),
                Arguments.of("GET /sleep?ms=60001 HTTP/1.1", 400, "ms must be a whole number from 0 to 60000\n"),
                Arguments.of("GET /sleep?ms=-1 HTTP/1.1", 400, "ms must be a whole number from 0 to 60000\n"),
                Arguments.of("GET /sleep?ms%=0 HTTP/1.1", 400, "Malformed percent-encoding\n"),
                Arguments.of("GET /sleep?a=%zz&ms=1 HTTP/1.1", 400, "Malformed percent-encoding\n"),
                Arguments.of("GET /nowhere HTTP/1.1", 404, "Not Found\n"),
                Arguments.of("GET /echo HTTP/1.1", 404, "Not Found\n"));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @MethodSource("routes")
    void routes(String requestLine, int status, String body) {
        Response response = http.exchange(requestLine + "\r\nHost: t\r\n\r\n");
        assertEquals(status, response.status());
        assertEquals(body, response.body());
        assertEquals("epollhub", response.header("server"));
        assertTrue(response.header("date").endsWith("GMT"));
    }

    @Test
    void userAgentIsEchoed() {
        assertEquals("curl/8.0", get("/user-agent", "User-Agent: curl/8.0\r\n").body());
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
            "curl/8.0|text/plain; charset=utf-8", "caf\u00c3\u00a9/1.0 (\u00e2\u0082\u00ac)|text/plain; charset=utf-8",
            "old/\u00ff\u00e9|application/octet-stream"})
    void userAgentBytesComeBackAsSent(String agent, String type) {
        Response response = get("/user-agent", "User-Agent: " + agent + "\r\n"); // each char one byte on the wire
        assertEquals(agent, response.body());
        assertEquals(type, response.header("content-type"));
    }

    @Test
    void sleepAnswersOnTheLoopTimerAndHoldsLaterRequestsInOrder() {
        http.send("GET /sleep?ms=50 HTTP/1.1\r\nHost: t\r\n\r\nGET / HTTP/1.1\r\nHost: t\r\n\r\n");
        assertEquals("", http.readAll(), "nothing before the sleep ends, not even the pipelined hello");
        http.channel.advanceTimeBy(60, TimeUnit.MILLISECONDS);
        http.channel.runPendingTasks();
        List<Response> responses = Response.parseAll(http.readAll(), false);
        assertEquals("slept 50 ms", responses.get(0).body());
        assertEquals("Hello, World!", responses.get(1).body());
    }

    @Test
    void thousandsOfRequestsQueuedBehindASlowAnswerAreAllAnswered() {
        int queued = 20_000; // each answered on the spot once the sleep ends: none may cost a stack frame
        http.send("GET /sleep?ms=1 HTTP/1.1\r\nHost: t\r\n\r\n" + "GET / HTTP/1.1\r\nHost: t\r\n\r\n".repeat(queued));
        http.channel.advanceTimeBy(10, TimeUnit.MILLISECONDS);
        http.channel.runPendingTasks();
        String out = http.readAll();
        int answers = 0;
        for (int at = out.indexOf("HTTP/1.1 200 OK\r\n"); at >= 0; at = out.indexOf("HTTP/1.1 200 OK\r\n", at + 1)) {
            answers++;
        }
        assertEquals(queued + 1, answers);
        assertTrue(out.endsWith("\r\n\r\nHello, World!"), "the last one is the last hello");
        assertTrue(http.channel.config().isAutoRead(), "reading resumes once the queue is empty");
    }

    static Stream<Arguments> refused() {
        return Stream.of(
                Arguments.of("GET / HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: gzip\r\n\r\n", 501),
                Arguments.of("GET / HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: gzip, chunked\r\n\r\n", 501),
                Arguments.of("POST /x HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: gzip\r\n\r\n", 501),
                Arguments.of("POST /x HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: gzip\r\nTransfer-Encoding: chunked\r\n\r\n", 501),
                Arguments.of("POST /x HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n", 501),
                Arguments.of("POST /files/a HTTP/1.1\r\nHost: t\r\nContent-Length: 5000\r\n\r\n", 413),
                Arguments.of("POST /x HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n", 400),
                Arguments.of("GET / HTTP/1.1\r\nHost: t\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n", 400),
                Arguments.of("GET / HTTP/1.1\r\nHost: t\r\nContent-Length: -1\r\n\r\n", 400),
                Arguments.of("G(T / HTTP/1.1\r\nHost: t\r\n\r\n", 400),
                Arguments.of("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", 505),
                Arguments.of("GET /\r\n\r\n", 400),
                Arguments.of("GET /" + "a".repeat(5000) + " HTTP/1.1\r\nHost: t\r\n\r\n", 414),
                Arguments.of("GET / HTTP/1.1\r\nHost: t\r\nX-Big: " + "b".repeat(9000) + "\r\n\r\n", 431));
    }

    @ParameterizedTest(name = "{1}: {0}")
    @MethodSource("refused")
    void refusedRequestsGetTheirStatusAndTheConnectionCloses(String request, int status) {
        Response response = http.exchange(request);
        assertEquals(status, response.status(), response.toString());
        assertEquals("close", response.header("connection"));
        assertFalse(http.channel.isOpen());
    }

    @Test
    void aChunkedBodyOverTheLimitIs413() {
        Response response = http.exchange("PUT /files/big HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "400\r\n" + "x".repeat(1024) + "\r\n400\r\n" + "y".repeat(1024) + "\r\n0\r\n\r\n");
        assertEquals(413, response.status());
        assertFalse(http.channel.isOpen());
        assertFalse(Files.exists(filesDir.resolve("big")));
    }

    @Test
    void aChunkedBodyOverTheLimitLeavesNoDirectoryMadeForIt() throws Exception {
        Files.createDirectories(filesDir.resolve("kept"));
        Response response = http.exchange("PUT /files/kept/new/deeper/big HTTP/1.1\r\nHost: t\r\n"
                + "Transfer-Encoding: chunked\r\n\r\n400\r\n" + "x".repeat(1024) + "\r\n400\r\n" + "y".repeat(1024) + "\r\n0\r\n\r\n");
        assertEquals(413, response.status());
        try (Stream<Path> left = Files.list(filesDir.resolve("kept"))) {
            assertEquals(List.of(), left.toList(), "what was there stays, what the upload made goes");
        }
    }

    @Test
    void anUploadCutOffMidBodyLeavesNoDirectoryMadeForIt() throws Exception {
        http.send("PUT /files/new/cut HTTP/1.1\r\nHost: t\r\nContent-Length: 100\r\n\r\nonly ten b");
        http.channel.close();
        try (Stream<Path> left = Files.list(filesDir)) {
            assertEquals(List.of(), left.toList());
        }
    }

    /** One server for two connections: what one upload leaves, the other sees. */
    private HttpServerInitializer sharedServer() {
        return new HttpServerInitializer(new DefaultChannelGroup(ImmediateEventExecutor.INSTANCE),
                HttpSettings.basic(Runnable::run).withDirectories(staticDir, filesDir));
    }

    @Test
    void twoUploadsCutOffInOneNewDirectoryLeaveNothing() throws Exception {
        HttpServerInitializer server = sharedServer();
        try (HttpHarness first = new HttpHarness(server); HttpHarness second = new HttpHarness(server)) {
            first.send("PUT /files/new/deep/a HTTP/1.1\r\nHost: t\r\nContent-Length: 100\r\n\r\nonly ten b");
            second.send("PUT /files/new/deep/b HTTP/1.1\r\nHost: t\r\nContent-Length: 100\r\n\r\nonly ten b");
            first.channel.close(); // while the second's temporary file is still in the directory
            second.channel.close();
        }
        try (Stream<Path> left = Files.list(filesDir)) {
            assertEquals(List.of(), left.toList());
        }
    }

    @Test
    void aDirectoryAnotherUploadUsesStays() throws Exception {
        HttpServerInitializer server = sharedServer();
        try (HttpHarness cut = new HttpHarness(server); HttpHarness whole = new HttpHarness(server)) {
            cut.send("PUT /files/new/cut HTTP/1.1\r\nHost: t\r\nContent-Length: 100\r\n\r\nonly ten b");
            assertEquals(201, whole.request("PUT", "/files/new/kept", "", "whole").status());
            cut.channel.close();
        }
        try (Stream<Path> left = Files.list(filesDir.resolve("new"))) {
            assertEquals(List.of(filesDir.resolve("new/kept")), left.toList());
        }
    }

    @Test
    void expectContinueOverTheLimitIs413BeforeTheBody() {
        Response response = http.exchange("PUT /files/a HTTP/1.1\r\nHost: t\r\nExpect: 100-continue\r\nContent-Length: 4096\r\n\r\n");
        assertEquals(413, response.status());
    }

    @Test
    void expectContinueWithinTheLimitGets100() {
        http.send("PUT /files/a HTTP/1.1\r\nHost: t\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\n");
        assertTrue(http.readAll().startsWith("HTTP/1.1 100 Continue\r\n"));
        assertEquals(201, Response.parse(sendRaw("hi")).status());
    }

    @Test
    void expectContinueToARouteThatRefusesAtOnceGetsTheRefusalAndNo100() {
        Response refused = http.exchange("PUT / HTTP/1.1\r\nHost: t\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\n");
        assertEquals(405, refused.status());
        Response missing = http.exchange("POST /nowhere HTTP/1.1\r\nHost: t\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\n");
        assertEquals(404, missing.status());
    }

    private String sendRaw(String bytes) {
        http.send(bytes);
        return http.readAll();
    }

    // Files REST API

    @Test
    void filesLifecycle() throws Exception {
        assertEquals(404, get("/files/notes/a.txt").status());
        assertEquals(201, send("PUT", "/files/notes/a.txt", "one").status());
        assertEquals("one", Files.readString(filesDir.resolve("notes/a.txt")));
        Response got = get("/files/notes/a.txt");
        assertEquals(200, got.status());
        assertEquals("application/octet-stream", got.header("content-type"));
        assertEquals("one", got.body());
        assertEquals(204, send("PUT", "/files/notes/a.txt", "two").status());
        assertEquals(409, send("POST", "/files/notes/a.txt", "three").status());
        assertEquals("two", Files.readString(filesDir.resolve("notes/a.txt")));
        assertEquals(204, send("PATCH", "/files/notes/a.txt", "+more").status());
        assertEquals("two+more", get("/files/notes/a.txt").body());
        assertEquals(201, send("PATCH", "/files/notes/new.txt", "fresh").status());
        assertEquals(201, send("POST", "/files/notes/posted.txt", "p").status());
        assertEquals(204, http.exchange("DELETE /files/notes/a.txt HTTP/1.1\r\nHost: t\r\n\r\n").status());
        assertEquals(404, http.exchange("DELETE /files/notes/a.txt HTTP/1.1\r\nHost: t\r\n\r\n").status());
        assertEquals(404, get("/files/notes").status(), "a directory is not a file");
        Response head = http.exchange("HEAD /files/notes/new.txt HTTP/1.1\r\nHost: t\r\n\r\n");
        assertEquals("5", head.header("content-length"));
        assertEquals("", head.body());
        try (Stream<Path> left = Files.list(filesDir.resolve("notes"))) {
            assertTrue(left.noneMatch(p -> p.getFileName().toString().startsWith(FileStore.TEMP_PREFIX)), "temp files left");
        }
    }

    @ParameterizedTest(name = "{0} {1} -> {2}")
    @CsvSource({"TRACE, /files/a, 501", "CONNECT, /files/a, 501", "FOO, /, 501", "get, /, 501", "POST, /, 405",
            "DELETE, /static/hello.txt, 405"})
    void methodsNoRouteTakesAreNotImplemented(String method, String target, int status) {
        Response response = http.exchange(method + " " + target + " HTTP/1.1\r\nHost: t\r\n\r\n");
        assertEquals(status, response.status());
        assertEquals(status == 405, response.headers().containsKey("allow"), "Allow only with a 405");
    }

    @ParameterizedTest(name = "OPTIONS {0} -> {1}")
    @CsvSource(delimiter = '|', value = {
            "/|204|GET, HEAD, OPTIONS", "/echo/x|204|GET, HEAD, OPTIONS", "/static/hello.txt|204|GET, HEAD, OPTIONS",
            "/files/a|204|GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS",
            "*|204|GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS", "/nowhere|404|"})
    void optionsListsTheMethodsOfTheRoute(String target, int status, String allow) {
        Response response = http.exchange("OPTIONS " + target + " HTTP/1.1\r\nHost: t\r\n\r\n");
        assertEquals(status, response.status());
        assertEquals(allow, response.headers().get("allow"));
        if (status == 204) {
            assertFalse(response.headers().containsKey("content-length"), "a 204 has no Content-Length (RFC 9110 §8.6)");
            assertEquals("", response.body());
        }
        assertTrue(http.channel.isOpen(), "the connection stays open");
    }

    @Test
    void asteriskFormIsForOptionsOnly() {
        Response response = http.exchange("GET * HTTP/1.1\r\nHost: t\r\n\r\n");
        assertEquals(400, response.status());
        assertEquals("The request target * is for OPTIONS only\n", response.body());
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
            "../secret.txt, 403", "%2e%2e/secret.txt, 403", "%2E%2E%2Fsecret.txt, 403", "a/%2e%2e/%2e%2e/secret.txt, 403",
            "..%2fsecret.txt, 403", "%2fetc%2fpasswd, 403", "/etc/passwd, 403", "a%5c..%5csecret.txt, 403",
            "a%00b, 400", "%zz, 400", "%c3%28, 400", "a%2, 400"})
    void nothingEscapesTheFilesDirectory(String path, int status) {
        assertEquals(status, get("/files/" + path).status());
        assertEquals(status, send("PUT", "/files/" + path, "x").status());
    }

    @Test
    void uploadsGetTheModeOfAnyNewFile() throws Exception {
        Path probe = Files.createFile(root.resolve("probe"), FileStore.FILE_MODE); // 0666 less this umask
        assertEquals(201, send("PUT", "/files/m.txt", "one").status());
        assertEquals(Files.getPosixFilePermissions(probe), Files.getPosixFilePermissions(filesDir.resolve("m.txt")));
        assertTrue(Files.getPosixFilePermissions(filesDir.resolve("m.txt")).contains(PosixFilePermission.OWNER_READ));
        assertEquals(201, send("POST", "/files/p.txt", "two").status());
        assertEquals(Files.getPosixFilePermissions(probe), Files.getPosixFilePermissions(filesDir.resolve("p.txt")));
    }

    @Test
    void aFileInTheWayOfADirectoryIsAConflict() {
        assertEquals(201, send("PUT", "/files/a.txt", "one").status());
        assertEquals(409, send("POST", "/files/a.txt/b", "x").status());
        assertEquals(409, send("PUT", "/files/a.txt/b/c", "x").status());
        assertTrue(http.channel.isOpen(), "a client's mistake, not a server error");
    }

    @Test
    void aRefusedHttp10KeepAliveRequestIsToldTheConnectionStays() throws Exception {
        Files.createSymbolicLink(staticDir.resolve("leak.txt"), root.resolve("secret.txt"));
        Response refused = http.exchange("GET /static/leak.txt HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
        assertEquals("HTTP/1.0 403 Forbidden", refused.statusLine());
        assertEquals("keep-alive", refused.header("connection"));
        assertTrue(http.channel.isOpen());
    }

    @Test
    void symlinksLeadingOutsideAreRefused() throws Exception {
        Files.createSymbolicLink(filesDir.resolve("out"), root);
        Files.createSymbolicLink(filesDir.resolve("secret"), root.resolve("secret.txt"));
        Files.createSymbolicLink(staticDir.resolve("leak.txt"), root.resolve("secret.txt"));
        assertEquals(403, get("/files/secret").status());
        assertEquals(403, get("/files/out/secret.txt").status());
        assertEquals(403, send("PUT", "/files/out/new.txt", "x").status());
        assertFalse(Files.exists(root.resolve("new.txt")));
        assertEquals(403, get("/static/leak.txt").status());
    }

    /** Files another user made without permissions for the server: the operator's to fix, a 403 to the client. */
    @Test
    void whatTheServerMayNotReadOrWriteIs403() throws Exception {
        assumeFalse("root".equals(System.getProperty("user.name")), "permissions do not bind root");
        Files.setPosixFilePermissions(Files.writeString(filesDir.resolve("locked.txt"), "x"), Set.of());
        Files.setPosixFilePermissions(Files.writeString(staticDir.resolve("locked.txt"), "x"), Set.of());
        Path readOnly = Files.createDirectories(filesDir.resolve("ro"));
        Files.writeString(readOnly.resolve("kept.txt"), "kept");
        Files.setPosixFilePermissions(readOnly, PosixFilePermissions.fromString("r-xr-xr-x"));
        try {
            assertEquals(403, get("/files/locked.txt").status());
            assertEquals(403, get("/static/locked.txt").status());
            assertEquals(403, send("PUT", "/files/ro/new.txt", "x").status());
            assertEquals(403, send("PUT", "/files/ro/sub/new.txt", "x").status());
            assertEquals(403, http.exchange("DELETE /files/ro/kept.txt HTTP/1.1\r\nHost: t\r\n\r\n").status());
            assertTrue(http.channel.isOpen(), "the connection stays open");
            assertEquals("kept", Files.readString(readOnly.resolve("kept.txt")));
        } finally {
            Files.setPosixFilePermissions(readOnly, PosixFilePermissions.fromString("rwxr-xr-x")); // for the clean-up
        }
    }

    @Test
    void noWriteGoesThroughASymlinkLeadingOutside() throws Exception {
        Files.createSymbolicLink(filesDir.resolve("secret"), root.resolve("secret.txt"));
        assertEquals(403, send("PATCH", "/files/secret", "+appended").status());
        assertEquals(403, send("PUT", "/files/secret", "replaced").status());
        assertEquals(403, http.request("PUT", "/files/secret", "If-Match: *\r\n", "replaced").status());
        assertEquals(403, send("POST", "/files/secret", "posted").status());
        assertEquals(403, http.exchange("DELETE /files/secret HTTP/1.1\r\nHost: t\r\n\r\n").status());
        assertEquals("outside", Files.readString(root.resolve("secret.txt")));
        assertTrue(Files.isSymbolicLink(filesDir.resolve("secret")));
        try (Stream<Path> left = Files.list(filesDir)) {
            assertEquals(List.of(filesDir.resolve("secret")), left.toList(), "no temporary file left");
        }
    }

    static Stream<Arguments> pathsNoFileCanHave() {
        String longest = "n".repeat(255); // NAME_MAX bytes
        String tooLong = "n".repeat(256);
        String tooLongInUtf8 = "%C3%A9".repeat(128); // 128 characters, 256 bytes
        return Stream.of(
                Arguments.of("GET", "/files/a.txt/b", null, 404), Arguments.of("HEAD", "/files/a.txt/b", null, 404),
                Arguments.of("DELETE", "/files/a.txt/b", null, 404), Arguments.of("GET", "/static/hello.txt/x", null, 404),
                Arguments.of("GET", "/files/" + tooLong, null, 404), Arguments.of("DELETE", "/files/" + tooLong, null, 404),
                Arguments.of("PUT", "/files/" + tooLong, "x", 400), Arguments.of("PATCH", "/files/d/" + tooLong, "x", 400),
                Arguments.of("POST", "/files/" + tooLongInUtf8, "x", 400), Arguments.of("GET", "/files/" + tooLongInUtf8, null, 404),
                Arguments.of("PUT", "/files/" + tooLong + "/a", "x", 400), Arguments.of("GET", "/static/" + tooLong, null, 404),
                Arguments.of("PUT", "/files/" + longest, "x", 201), Arguments.of("GET", "/files/loop", null, 403),
                Arguments.of("PUT", "/files/loop", "x", 403), Arguments.of("GET", "/static/loop", null, 403));
    }

    /** A client's mistake the file system reports (ENOTDIR, ENAMETOOLONG, ELOOP): a 4xx, not a 500 and a close. */
    @ParameterizedTest(name = "{0} {1} -> {3}")
    @MethodSource("pathsNoFileCanHave")
    void pathsNoFileCanHaveAreTheClientsMistake(String method, String target, String body, int status) throws Exception {
        Files.writeString(filesDir.resolve("a.txt"), "a");
        Files.createSymbolicLink(filesDir.resolve("loop"), filesDir.resolve("loop"));
        Files.createSymbolicLink(staticDir.resolve("loop"), staticDir.resolve("loop"));
        Response response = http.request(method, target, "", body);
        assertEquals(status, response.status());
        assertTrue(http.channel.isOpen(), "the connection stays open");
        try (Stream<Path> made = Files.list(filesDir)) {
            assertEquals(status == 201 ? 3 : 2, made.count(), "nothing made but what was asked for");
        }
    }

    // Static files

    @Test
    void staticFilesWithTypesAndIndex() {
        Response file = get("/static/hello.txt");
        assertEquals(200, file.status());
        assertEquals("text/plain; charset=utf-8", file.header("content-type"));
        assertEquals("static hello\n", file.body());
        assertEquals("bytes", file.header("accept-ranges"));
        Response index = get("/static/docs/");
        assertEquals("text/html; charset=utf-8", index.header("content-type"));
        assertEquals("<h1>docs</h1>", index.body());
        assertEquals(404, get("/static/missing.txt").status());
        assertEquals(405, send("POST", "/static/hello.txt", "").status());
    }

    @Test
    void conditionalRequestsGet304WithoutABody() throws Exception {
        Files.setLastModifiedTime(staticDir.resolve("hello.txt"), FileTime.from(Instant.parse("2026-01-02T03:04:05Z")));
        Response first = get("/static/hello.txt");
        String etag = first.header("etag");
        assertEquals("Fri, 02 Jan 2026 03:04:05 GMT", first.header("last-modified"));
        Response byTag = get("/static/hello.txt", "If-None-Match: " + etag + "\r\n");
        assertEquals(304, byTag.status());
        assertEquals("", byTag.body());
        assertEquals(etag, byTag.header("etag"));
        assertEquals(304, get("/static/hello.txt", "If-Modified-Since: Fri, 02 Jan 2026 03:04:05 GMT\r\n").status());
        assertEquals(200, get("/static/hello.txt", "If-Modified-Since: Thu, 01 Jan 2026 00:00:00 GMT\r\n").status());
        assertEquals(200, get("/static/hello.txt", "If-None-Match: \"other\"\r\n").status());
        assertTrue(http.channel.isOpen(), "a 304 keeps the connection");
    }

    static Stream<Arguments> ranges() {
        return Stream.of(
                Arguments.of("bytes=0-3", 206, "0123", "bytes 0-3/10"),
                Arguments.of("bytes=7-", 206, "789", "bytes 7-9/10"),
                Arguments.of("bytes=-2", 206, "89", "bytes 8-9/10"),
                Arguments.of("bytes=5-100", 206, "56789", "bytes 5-9/10"),
                Arguments.of("bytes=10-", 416, "Requested Range Not Satisfiable\n", "bytes */10"),
                Arguments.of("bytes=0-1,4-5", 200, "0123456789", null),
                Arguments.of("lines=1-2", 200, "0123456789", null));
    }

    @ParameterizedTest(name = "{0} -> {1} {2}")
    @MethodSource("ranges")
    void singleRanges(String range, int status, String body, String contentRange) {
        Response response = get("/static/range.bin", "Range: " + range + "\r\n");
        assertEquals(status, response.status());
        assertEquals(body, response.body());
        assertEquals(contentRange, response.headers().get("content-range"));
    }

    @Test
    void ifRangeResumesOnlyTheSameVersion() throws Exception {
        Files.setLastModifiedTime(staticDir.resolve("range.bin"), FileTime.from(Instant.parse("2026-01-02T03:04:05Z")));
        String etag = get("/static/range.bin").header("etag");
        String range = "Range: bytes=7-\r\n";
        assertEquals("789", get("/static/range.bin", range, "If-Range: " + etag + "\r\n").body());
        assertEquals("789", get("/static/range.bin", range, "If-Range: Fri, 02 Jan 2026 03:04:05 GMT\r\n").body());
        for (String other : List.of("\"0-0\"", "W/" + etag, "Thu, 01 Jan 2026 00:00:00 GMT", "yesterday",
                "Fri, 02 Jan 2026 03:04:05 GMT".repeat(3))) {
            Response whole = get("/static/range.bin", range, "If-Range: " + other + "\r\n");
            assertEquals(200, whole.status(), other);
            assertEquals("0123456789", whole.body(), other);
            assertNull(whole.headers().get("content-range"), other);
        }
        Files.writeString(staticDir.resolve("range.bin"), "abcdefghij");
        Response changed = get("/static/range.bin", range, "If-Range: " + etag + "\r\n");
        assertEquals(200, changed.status(), "the file changed since the client's part");
        assertEquals("abcdefghij", changed.body());
    }

    @Test
    void gzipForTextWhenAskedAndBigEnough() throws Exception {
        Files.writeString(staticDir.resolve("big.txt"), "compress me ".repeat(100));
        String long200 = "a".repeat(600);
        Response gz = get("/echo/" + long200, "Accept-Encoding: br;q=1.0, gzip;q=0.5\r\n");
        assertEquals("gzip", gz.headers().get("content-encoding"));
        assertEquals("accept-encoding", gz.headers().get("vary").toLowerCase());
        Response identity = get("/echo/" + long200, "Accept-Encoding: br, zstd-unknown\r\n");
        assertNull(identity.headers().get("content-encoding"));
        assertEquals(long200, identity.body());
        Response hello = get("/", "Accept-Encoding: gzip\r\n");
        assertNull(hello.headers().get("content-encoding"), "13 bytes are not worth compressing");
        Response file = get("/static/big.txt", "Accept-Encoding: gzip\r\n");
        assertNull(file.headers().get("content-encoding"), "zero-copy files go as they are");
    }

    @Test
    void headShowsTheHeadersOfAGzippedGet() {
        String target = "/echo/" + "a".repeat(600);
        Response get = get(target, "Accept-Encoding: gzip\r\n");
        Response head = http.exchange("HEAD " + target + " HTTP/1.1\r\nHost: t\r\nAccept-Encoding: gzip\r\n\r\n");
        assertEquals("gzip", head.header("content-encoding"));
        assertEquals(get.header("content-length"), head.header("content-length"));
        assertEquals(get.header("vary"), head.header("vary"));
        assertEquals("", head.body());
    }

    @Test
    void filesGoZeroCopyOnPlainConnections() {
        http.send("GET /static/range.bin HTTP/1.1\r\nHost: t\r\n\r\n");
        List<Object> out = new java.util.ArrayList<>();
        for (Object msg; (msg = http.channel.readOutbound()) != null; ) {
            out.add(msg);
        }
        try {
            assertTrue(out.stream().anyMatch(m -> m instanceof io.netty.channel.DefaultFileRegion), out.toString());
        } finally {
            out.forEach(io.netty.util.ReferenceCountUtil::release);
        }
    }

    @Test
    void aFailureInsideARouteAnswers500OnceAndCloses() {
        try (HttpHarness broken = new HttpHarness(HttpSettings.basic(task -> {
            throw new IllegalStateException("disk on fire");
        }).withDirectories(null, filesDir))) {
            broken.send("GET /files/a HTTP/1.1\r\nHost: t\r\n\r\nGET / HTTP/1.1\r\nHost: t\r\n\r\n");
            List<Response> responses = Response.parseAll(broken.readAll(), false);
            assertEquals(1, responses.size(), "one answer, then the connection closes");
            assertEquals(500, responses.get(0).status());
            assertFalse(broken.channel.isOpen());
        }
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {"gzip | true", "deflate, gzip;q=0.8 | true", "br;q=1.0, gzip;q=0.5 | true",
            "gzip;q=0 | false", "br, zstd | false", "* | true", "*;q=0 | false", "gzip;q=0, * | false", "x-gzip | true"})
    void acceptEncoding(String header, boolean gzip) {
        assertEquals(gzip, TextCompressor.acceptsGzip(header));
    }

    @Test
    void headerTimeoutAnswers408WhenNothingWasAnswered() throws InterruptedException {
        try (HttpHarness slow = withTimeouts(Duration.ofMillis(20), Duration.ofSeconds(60))) {
            slow.send("GET / HTTP/1.1\r\nHost: slo");
            slow.elapse(30);
            Response timedOut = Response.parse(slow.readAll());
            assertEquals(408, timedOut.status());
            assertEquals("close", timedOut.header("connection"), "the close is announced");
            assertFalse(slow.channel.isOpen());
        }
    }

    @Test
    void headerTimeoutAfterAnAnswerClosesWithoutAnotherAnswer() throws InterruptedException {
        try (HttpHarness slow = withTimeouts(Duration.ofMillis(20), Duration.ofSeconds(60))) {
            slow.send("GET / HTTP/1.1\r\nHost: t\r\n\r\n");
            assertEquals(200, Response.parse(slow.readAll()).status());
            slow.send("GET / HTTP/1.1\r\nHost: slo");
            slow.elapse(30);
            assertEquals("", slow.readAll());
            assertFalse(slow.channel.isOpen());
        }
    }

    @Test
    void idleKeepAliveConnectionCloses() throws InterruptedException {
        try (HttpHarness idle = withTimeouts(Duration.ofSeconds(60), Duration.ofMillis(20))) {
            idle.send("GET / HTTP/1.1\r\nHost: t\r\n\r\n");
            assertEquals(200, Response.parse(idle.readAll()).status());
            assertTrue(idle.channel.isOpen());
            idle.elapse(30);
            assertFalse(idle.channel.isOpen());
        }
    }

    @Test
    void aStalledRequestBodyGets408AfterTheIdleTimeAndLeavesNoFile() throws InterruptedException {
        try (HttpHarness stalled = new HttpHarness(HttpSettings.basic(Runnable::run).withDirectories(staticDir, filesDir)
                .withLimits(1024, Duration.ofSeconds(60), Duration.ofMillis(20)))) {
            stalled.send("PUT /files/stalled.txt HTTP/1.1\r\nHost: t\r\nContent-Length: 10\r\n\r\n01234");
            assertEquals("", stalled.readAll());
            stalled.elapse(30);
            stalled.elapse(30);
            assertEquals(408, Response.parse(stalled.readAll()).status());
            assertFalse(stalled.channel.isOpen());
            assertFalse(Files.exists(filesDir.resolve("stalled.txt")), "the partial upload is discarded");
        }
    }

    @Test
    void aStalledBodyAfterAnEarlyAnswerClosesWithoutASecondAnswer() throws InterruptedException {
        try (HttpHarness stalled = withTimeouts(Duration.ofSeconds(60), Duration.ofMillis(20))) {
            stalled.send("POST /echo/x HTTP/1.1\r\nHost: t\r\nContent-Length: 10\r\n\r\n01234");
            assertEquals(405, Response.parse(stalled.readAll()).status());
            stalled.elapse(30);
            stalled.elapse(30);
            assertEquals("", stalled.readAll());
            assertFalse(stalled.channel.isOpen());
        }
    }

    @Test
    void aRouteStillAnsweringIsWaitedForPastTheIdleTime() throws InterruptedException {
        try (HttpHarness slow = withTimeouts(Duration.ofSeconds(60), Duration.ofMillis(20))) {
            slow.send("GET /sleep?ms=200 HTTP/1.1\r\nHost: t\r\n\r\n");
            slow.elapse(30);
            slow.elapse(30);
            assertEquals("", slow.readAll(), "still sleeping");
            assertTrue(slow.channel.isOpen(), "the server owes the answer");
            slow.elapse(200);
            assertEquals("slept 200 ms", Response.parse(slow.readAll()).body());
        }
    }

    /** A connection of its own with these header and idle timeouts. */
    private static HttpHarness withTimeouts(Duration headerTimeout, Duration idleTimeout) {
        return new HttpHarness(HttpSettings.basic(Runnable::run).withLimits(1024, headerTimeout, idleTimeout));
    }
}
