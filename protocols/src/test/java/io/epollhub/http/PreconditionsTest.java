package io.epollhub.http;

import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.concurrent.ImmediateEventExecutor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Conditional requests (RFC 9110 section 13) on {@code /files/} and {@code /static/}. */
class PreconditionsTest {

    private static final String MODIFIED = "Fri, 02 Jan 2026 03:04:05 GMT";
    private static final String EARLIER = "Thu, 01 Jan 2026 00:00:00 GMT";
    private static final String TOO_LONG = EARLIER + ", " + EARLIER + ", " + EARLIER;

    @TempDir
    Path root;
    Path staticDir;
    Path filesDir;
    HttpServerInitializer server;
    HttpHarness http;

    @BeforeEach
    void open() throws Exception {
        staticDir = Files.createDirectories(root.resolve("public"));
        filesDir = Files.createDirectories(root.resolve("files"));
        Files.writeString(staticDir.resolve("s.txt"), "static");
        Files.setLastModifiedTime(staticDir.resolve("s.txt"), FileTime.from(Instant.parse("2026-01-02T03:04:05Z")));
        Files.writeString(filesDir.resolve("f.txt"), "old");
        Files.setLastModifiedTime(filesDir.resolve("f.txt"), FileTime.from(Instant.parse("2026-01-02T03:04:05Z")));
        server = new HttpServerInitializer(new DefaultChannelGroup(ImmediateEventExecutor.INSTANCE),
                HttpSettings.basic(Runnable::run).withDirectories(staticDir, filesDir)
                        .withLimits(1024, Duration.ofSeconds(10), Duration.ofSeconds(60)));
        http = new HttpHarness(server);
    }

    @AfterEach
    void close() {
        http.close();
    }

    /** {@code headers}: header lines separated by {@code |}. */
    private Response request(String method, String target, String headers, String body) {
        return http.request(method, target, headers.isEmpty() ? "" : headers.replace("|", "\r\n") + "\r\n", body);
    }

    private String etag(String target) {
        return request("HEAD", target, "", null).header("etag");
    }

    /** Each row: a request to f.txt ("old", last modified {@value #MODIFIED}), its status, what f.txt holds after. */
    @ParameterizedTest(name = "{0} {1} -> {2}")
    @CsvSource(delimiter = '!', nullValues = "GONE", value = {
            "PUT    ! If-None-Match: *                ! 412 ! old",
            "PUT    ! If-None-Match: \"x\", *         ! 412 ! old",
            "PUT    ! If-Match: \"nope\"              ! 412 ! old",
            "PATCH  ! If-Match: \"nope\"              ! 412 ! old",
            "DELETE ! If-Match: \"nope\"              ! 412 ! old",
            "PUT    ! If-Match: *                     ! 204 ! new",
            "PATCH  ! If-Unmodified-Since: " + EARLIER + " ! 412 ! old",
            "PATCH  ! If-Unmodified-Since: " + MODIFIED + " ! 204 ! oldnew",
            "DELETE ! If-Unmodified-Since: " + EARLIER + " ! 412 ! old",
            "DELETE ! If-Unmodified-Since: yesterday  ! 204 ! GONE",
            "DELETE ! If-Match: *                     ! 204 ! GONE",
            "PUT    ! If-Match: *|If-None-Match: *    ! 412 ! old",
            "POST   ! If-None-Match: *                ! 409 ! old", // the answer without preconditions is 409: they are ignored
    })
    void writesToAnExistingFile(String method, String headers, int status, String after) throws Exception {
        String body = method.equals("DELETE") ? null : "new";
        assertEquals(status, request(method, "/files/f.txt", headers, body).status());
        Path file = filesDir.resolve("f.txt");
        assertEquals(after, Files.exists(file) ? Files.readString(file) : null);
    }

    @ParameterizedTest(name = "{0} {1} -> {2}")
    @CsvSource(delimiter = '!', value = {
            "PUT    ! If-Match: *             ! 412", "PUT  ! If-Match: \"nope\" ! 412", "PATCH ! If-Match: * ! 412",
            "POST   ! If-Match: *             ! 412", "PUT  ! If-None-Match: *  ! 201",
            "PUT    ! If-Unmodified-Since: " + EARLIER + " ! 201", // no file, no date to compare: ignored
            "DELETE ! If-Match: *             ! 404"}) // a 404 without preconditions stays a 404
    void writesToAMissingFile(String method, String headers, int status) {
        assertEquals(status, request(method, "/files/none.txt", headers, method.equals("DELETE") ? null : "new").status());
        assertEquals(status == 201, Files.exists(filesDir.resolve("none.txt")));
    }

    @Test
    void aRefusedWriteMakesNoDirectories() {
        assertEquals(412, request("PUT", "/files/new/sub/a.txt", "If-Match: *", "x").status());
        assertFalse(Files.exists(filesDir.resolve("new")));
        assertEquals(409, request("PUT", "/files/f.txt/sub/a.txt", "If-Match: *", "x").status(),
                "a file in the way is a 409 without preconditions: they are ignored");
    }

    @Test
    void theEntityTagNamesOneVersion() {
        String before = etag("/files/f.txt");
        assertTrue(before.matches("\"[0-9a-f-]+\""), before);
        assertEquals(412, request("PUT", "/files/f.txt", "If-Match: W/" + before, "new").status(), "If-Match compares strongly");
        assertEquals(204, request("PUT", "/files/f.txt", "If-Match: \"other\", " + before, "new").status());
        String after = etag("/files/f.txt");
        assertNotEquals(before, after);
        assertEquals(204, request("PUT", "/files/f.txt", "If-Match: " + after, "abc").status());
        assertNotEquals(after, etag("/files/f.txt"), "a same-size replacement in the same instant is another version");
        assertEquals(412, request("DELETE", "/files/f.txt", "If-Match: " + after, null).status(), "the lost update is refused");
        assertTrue(Files.exists(filesDir.resolve("f.txt")));
    }

    @Test
    void filesGetValidatorsAndConditionalGets() {
        Response got = request("GET", "/files/f.txt", "", null);
        assertEquals(200, got.status());
        assertEquals(MODIFIED, got.header("last-modified"));
        String etag = got.header("etag");
        Response notModified = request("GET", "/files/f.txt", "If-None-Match: W/" + etag, null);
        assertEquals(304, notModified.status(), "If-None-Match compares weakly");
        assertEquals(etag, notModified.header("etag"));
        assertEquals("", notModified.body());
        assertEquals(304, request("GET", "/files/f.txt", "If-Modified-Since: " + MODIFIED, null).status());
        assertEquals(200, request("GET", "/files/f.txt", "If-Modified-Since: " + EARLIER, null).status());
        assertEquals(200, request("GET", "/files/f.txt", "If-None-Match: \"x\"|If-Modified-Since: " + MODIFIED, null).status(),
                "If-None-Match decides when present");
        assertEquals(412, request("GET", "/files/f.txt", "If-Match: \"nope\"", null).status());
        assertEquals(304, request("HEAD", "/files/f.txt", "If-Match: " + etag + "|If-None-Match: " + etag, null).status());
        assertEquals(404, request("GET", "/files/none.txt", "If-Match: \"nope\"", null).status());
        assertTrue(http.channel.isOpen());
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '!', value = {
            "If-Match: \"nope\"                        ! 412", "If-Match: *                     ! 200",
            "If-Unmodified-Since: " + EARLIER + "      ! 412", "If-Unmodified-Since: " + MODIFIED + " ! 200",
            "If-Unmodified-Since: not a date           ! 200", "If-Match: \"nope\"|If-None-Match: * ! 412",
            "If-None-Match: *                          ! 304",
            // Netty's date parser throws on more than 64 characters: too long to be a date, so ignored, not a 500.
            "If-Unmodified-Since: " + TOO_LONG + " ! 200", "If-Modified-Since: " + TOO_LONG + " ! 200"})
    void staticFilePreconditions(String headers, int status) {
        Response response = request("GET", "/static/s.txt", headers, null);
        assertEquals(status, response.status());
        assertEquals(status == 200 ? "static" : status == 304 ? "" : "Precondition Failed\n", response.body());
    }

    @Test
    void staticIfMatchWithTheCurrentTagServesTheFile() {
        assertEquals("static", request("GET", "/static/s.txt", "If-Match: " + etag("/static/s.txt"), null).body());
    }

    @Test
    void aWriteRefusedBeforeItsBodyLeavesTheConnectionServing() {
        http.send("PUT /files/f.txt HTTP/1.1\r\nHost: t\r\nIf-None-Match: *\r\nContent-Length: 10\r\n\r\n01234");
        http.send("56789GET /files/f.txt HTTP/1.1\r\nHost: t\r\n\r\n");
        List<Response> answers = Response.parseAll(http.readAll(), false);
        assertEquals(2, answers.size(), answers.toString());
        assertEquals(412, answers.get(0).status());
        assertEquals("old", answers.get(1).body(), "the rest of the refused body was not read as a request");
    }

    /**
     * A PUT whose precondition held when its body began is checked again when it is committed: another connection
     * created the file meanwhile, so {@code If-None-Match: *} now fails and that file stays.
     */
    @Test
    void preconditionsAreCheckedAgainWhenTheUploadCommits() throws Exception {
        http.send("PUT /files/race.txt HTTP/1.1\r\nHost: t\r\nIf-None-Match: *\r\nContent-Length: 6\r\n\r\nslo");
        assertEquals("", http.readAll(), "the precondition held: the body is being taken");
        try (HttpHarness other = new HttpHarness(server)) {
            assertEquals(201, other.exchange("PUT /files/race.txt HTTP/1.1\r\nHost: t\r\nContent-Length: 4\r\n\r\nfast").status());
        }
        http.send("wer");
        assertEquals(412, Response.parse(http.readAll()).status());
        assertEquals("fast", Files.readString(filesDir.resolve("race.txt")));
        try (Stream<Path> files = Files.list(filesDir)) {
            assertTrue(files.noneMatch(p -> p.getFileName().toString().startsWith(FileStore.TEMP_PREFIX)), "temp files left");
        }
    }
}
