package io.epollhub.http;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** {@code Range} on a static file of 10 bytes: what is served, what is ignored, what is unsatisfiable. */
class RangeTest {

    private static final String WHOLE = "0123456789";

    @TempDir
    Path staticDir;
    HttpHarness http;

    @BeforeEach
    void open() throws Exception {
        Files.writeString(staticDir.resolve("range.bin"), WHOLE);
        Files.writeString(staticDir.resolve("empty.bin"), "");
        http = new HttpHarness(HttpSettings.basic(Runnable::run).withDirectories(staticDir, null));
    }

    @AfterEach
    void close() {
        http.close();
    }

    /**
     * Each row: the Range header, the status, the body ({@code WHOLE}: all 10 bytes; {@code NOT_SATISFIABLE}: the 416
     * text), the Content-Range.
     */
    @ParameterizedTest(name = "{0} -> {1} {2}")
    @CsvSource(delimiter = '|', nullValues = "-", value = {
            "Bytes=2-3                    | 206 | 23    | bytes 2-3/10",
            "BYTES=2-                     | 206 | 23456789 | bytes 2-9/10",
            "bytes=1-99999999999999999999 | 206 | 123456789 | bytes 1-9/10",
            "bytes=1-9223372036854775807  | 206 | 123456789 | bytes 1-9/10",
            "bytes=-99999999999999999999  | 206 | WHOLE | bytes 0-9/10",
            "bytes=9-9                    | 206 | 9     | bytes 9-9/10",
            "bytes=--1                    | 200 | WHOLE | -",
            "bytes=+2-3                   | 200 | WHOLE | -",
            "bytes=2-x                    | 200 | WHOLE | -",
            "bytes=2-+3                   | 200 | WHOLE | -",
            "bytes=-+2                    | 200 | WHOLE | -",
            "bytes=2 - 3                  | 200 | WHOLE | -",
            "bytes=5-2                    | 200 | WHOLE | -",
            "bytes=-                      | 200 | WHOLE | -",
            "bytes=                       | 200 | WHOLE | -",
            "bytes 2-3                    | 200 | WHOLE | -",
            "items=2-3                    | 200 | WHOLE | -",
            "bytes=10-                    | 416 | NOT_SATISFIABLE | bytes */10",
            "bytes=99999999999999999999-  | 416 | NOT_SATISFIABLE | bytes */10",
            "bytes=-0                     | 416 | NOT_SATISFIABLE | bytes */10"})
    void ranges(String range, int status, String body, String contentRange) {
        Response response = http.exchange("GET /static/range.bin HTTP/1.1\r\nHost: t\r\nRange: " + range + "\r\n\r\n");
        assertEquals(status, response.status());
        assertEquals(body.replace("WHOLE", WHOLE).replace("NOT_SATISFIABLE", "Requested Range Not Satisfiable\n"),
                response.body());
        assertEquals(contentRange, response.headers().get("content-range"));
    }

    @ParameterizedTest(name = "files API: {0} -> {1}")
    @CsvSource(delimiter = '|', nullValues = "-", value = {
            "bytes=2-3 | -         | 206 | 23    | bytes 2-3/10",
            "bytes=7-  | -         | 206 | 789   | bytes 7-9/10",
            "bytes=10- | -         | 416 | NOT_SATISFIABLE | bytes */10",
            "bytes=2-3 | '\"other\"' | 200 | WHOLE | -"})
    void theFilesApiServesRangesTooForResumedDownloads(String range, String ifRange, int status, String body,
                                                       String contentRange, @TempDir Path filesDir) throws Exception {
        Files.writeString(filesDir.resolve("range.bin"), WHOLE);
        try (HttpHarness files = new HttpHarness(HttpSettings.basic(Runnable::run).withDirectories(null, filesDir))) {
            Response response = files.exchange("GET /files/range.bin HTTP/1.1\r\nHost: t\r\nRange: " + range + "\r\n"
                    + (ifRange == null ? "" : "If-Range: " + ifRange + "\r\n") + "\r\n");
            assertEquals(status, response.status());
            assertEquals(body.replace("WHOLE", WHOLE).replace("NOT_SATISFIABLE", "Requested Range Not Satisfiable\n"),
                    response.body());
            assertEquals(contentRange, response.headers().get("content-range"));
            if (status != 416) {
                assertEquals("bytes", response.header("accept-ranges"));
                assertEquals("application/octet-stream", response.header("content-type"));
            }
        }
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {"bytes=0- | 416", "bytes=-1 | 416", "bytes=x | 200"})
    void anEmptyFileHasNoSatisfiableRange(String range, int status) {
        Response response = http.exchange("GET /static/empty.bin HTTP/1.1\r\nHost: t\r\nRange: " + range + "\r\n\r\n");
        assertEquals(status, response.status());
    }
}
