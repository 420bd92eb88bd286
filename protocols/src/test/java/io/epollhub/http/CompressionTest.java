package io.epollhub.http;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Which responses are gzipped, and which say that they depend on {@code Accept-Encoding}. */
class CompressionTest {

    private static final String LONG = "a".repeat(TextCompressor.MIN_SIZE);

    @TempDir
    Path staticDir;
    HttpHarness http;

    @BeforeEach
    void open() throws Exception {
        Files.writeString(staticDir.resolve("big.txt"), LONG);
        http = new HttpHarness(HttpSettings.basic(Runnable::run).withDirectories(staticDir, null));
    }

    @AfterEach
    void close() {
        http.close();
    }

    /**
     * Each row: a request, its {@code Accept-Encoding} ({@code -}: none), then the {@code Content-Encoding} and
     * {@code Vary} of the answer ({@code -}: none). A text answer big enough to compress varies on
     * {@code Accept-Encoding} whether or not this request got it compressed (RFC 9110 section 12.5.5).
     */
    @ParameterizedTest(name = "{0} {1}, Accept-Encoding {2} -> {3}, Vary {4}")
    @CsvSource(nullValues = "-", value = {
            "GET,  /echo/LONG,       gzip,        gzip, accept-encoding",
            "GET,  /echo/LONG,       -,           -,    accept-encoding",
            "GET,  /echo/LONG,       identity,    -,    accept-encoding",
            "GET,  /echo/LONG,       br,          -,    accept-encoding",
            "HEAD, /echo/LONG,       -,           -,    accept-encoding",
            "HEAD, /echo/LONG,       gzip,        gzip, accept-encoding",
            "GET,  /echo/short,      -,           -,    -", // too small to compress for anyone
            "GET,  /,                gzip,        -,    -",
            "GET,  /static/big.txt,  gzip,        -,    -", // zero-copy files are never compressed
            "GET,  /nowhere,         -,           -,    -"})
    void varyOnEveryCompressibleAnswer(String method, String target, String acceptEncoding, String coding, String vary) {
        Response response = http.exchange(method + " " + target.replace("LONG", LONG) + " HTTP/1.1\r\nHost: t\r\n"
                + (acceptEncoding == null ? "" : "Accept-Encoding: " + acceptEncoding + "\r\n") + "\r\n");
        assertEquals(target.equals("/nowhere") ? 404 : 200, response.status());
        assertEquals(coding, response.headers().get("content-encoding"));
        String varies = response.headers().get("vary");
        assertEquals(vary, varies == null ? null : varies.toLowerCase(Locale.ROOT));
    }

    @ParameterizedTest(name = "Accept-Encoding: {0} -> gzip {1}")
    @CsvSource(delimiter = '|', value = {
            "gzip;Q=0 | false", "gzip; q=0 | false", "gzip ; q=0 | false", "gzip;q = 0 | false", "gzip;q=0.000 | false",
            "gzip;q=0.001 | true", "gzip;q=1.000 | true", "GZIP | true", "gzip;level=9 | true",
            "gzip;q=2 | false", "gzip;q=0.0001 | false", "gzip;q=1e0 | false", "gzip;q=NaN | false", "gzip;q=-1 | false",
            "X-GZIP;Q=0 | false", "x-gzip;q=0, * | false", "*;Q=0 | false", "*;q=0, gzip | true", "*;q=0.5 | true",
            "identity | false", "identity;q=0 | false", "identity;q=0, * | true", "'' | false",
            "gzip;q=0.5, identity | false", "gzip, identity | true", "identity;q=0.5, gzip;q=0.8 | true"})
    void acceptEncodingFollowsRfc9110(String header, boolean gzip) {
        assertEquals(gzip, TextCompressor.acceptsGzip(header));
    }
}
