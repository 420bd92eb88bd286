package io.epollhub.it;

import io.epollhub.server.HttpConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The README's conditional, trailing-slash, range and Vary behaviour, driven by curl against the real server. */
class ConditionalFilesIT {

    @TempDir
    Path root;
    Path filesDir;
    RunningServer server;
    String base;

    @BeforeEach
    void start() throws Exception {
        Path staticDir = Files.createDirectories(root.resolve("public"));
        filesDir = Files.createDirectories(root.resolve("files"));
        Files.writeString(staticDir.resolve("digits.txt"), "0123456789");
        server = RunningServer.start(HttpConfig.DEFAULTS.withDirectories(staticDir, filesDir));
        base = "http://127.0.0.1:" + server.http().getPort();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void preconditionsGuardTheFilesApi() throws Exception {
        String url = base + "/files/notes/a.txt";
        assertEquals(201, Curl.status("-X", "PUT", "-H", "If-None-Match: *", "--data-binary", "one", url));
        assertEquals(412, Curl.status("-X", "PUT", "-H", "If-None-Match: *", "--data-binary", "two", url));
        assertEquals(412, Curl.status("-X", "DELETE", "-H", "If-Match: \"nope\"", url));
        assertEquals("one", Files.readString(filesDir.resolve("notes/a.txt")));
        String headers = Curl.run("-D", "-", "-o", "/dev/null", url);
        String etag = headers.lines().filter(l -> l.startsWith("etag: ")).findFirst().orElseThrow().substring(6).trim();
        assertTrue(headers.contains("last-modified: "), headers);
        assertEquals(304, Curl.status("-H", "If-None-Match: " + etag, url));
        assertEquals(204, Curl.status("-X", "PATCH", "-H", "If-Match: " + etag, "--data-binary", "+", url));
        assertEquals(412, Curl.status("-X", "PATCH", "-H", "If-Match: " + etag, "--data-binary", "+", url));
        assertEquals("one+", Curl.run(url));
        assertEquals(412, Curl.status("-X", "PUT", "-H", "If-Match: *", "--data-binary", "x", base + "/files/none.txt"));
    }

    @Test
    void aTrailingSlashNamesADirectory() throws Exception {
        assertEquals(400, Curl.status("-X", "PUT", "--data-binary", "x", base + "/files/newdir/"));
        assertFalse(Files.exists(filesDir.resolve("newdir")));
        Files.writeString(filesDir.resolve("in.txt"), "in");
        assertEquals(404, Curl.status(base + "/files/in.txt/"));
        assertEquals(404, Curl.status("-X", "DELETE", base + "/files/in.txt/"));
        assertTrue(Files.exists(filesDir.resolve("in.txt")));
        assertEquals(404, Curl.status(base + "/static/digits.txt/"));
    }

    @Test
    void rangesAndVary() throws Exception {
        assertEquals("23", Curl.run("-H", "Range: Bytes=2-3", base + "/static/digits.txt"));
        assertEquals("0123456789", Curl.run("-H", "Range: bytes=+2-3", base + "/static/digits.txt"));
        assertEquals("123456789", Curl.run("-H", "Range: bytes=1-99999999999999999999", base + "/static/digits.txt"));
        // A download through the files API resumed where a partial copy ends, as `curl -C -` does.
        assertEquals(201, Curl.status("-X", "PUT", "--data-binary", "0123456789", base + "/files/resume.bin"));
        Path partial = Files.writeString(root.resolve("partial.bin"), "0123");
        Curl.run("-C", "-", "-o", partial.toString(), base + "/files/resume.bin");
        assertEquals("0123456789", Files.readString(partial));
        String plain = Curl.run("-D", "-", "-o", "/dev/null", base + "/echo/" + "a".repeat(300));
        assertTrue(plain.toLowerCase().contains("vary: accept-encoding"), plain);
        assertFalse(plain.contains("content-encoding"), plain);
    }
}
