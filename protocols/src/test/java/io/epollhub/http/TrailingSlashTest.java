package io.epollhub.http;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A target ending in {@code /} names a directory: never a file of the files API or a static file. */
class TrailingSlashTest {

    @TempDir
    Path root;
    Path staticDir;
    Path filesDir;
    HttpHarness http;

    @BeforeEach
    void open() throws Exception {
        staticDir = Files.createDirectories(root.resolve("public"));
        filesDir = Files.createDirectories(root.resolve("files"));
        Files.writeString(staticDir.resolve("digits.txt"), "0123456789");
        Files.writeString(staticDir.resolve("index.html"), "top");
        Files.createDirectories(staticDir.resolve("docs"));
        Files.writeString(staticDir.resolve("docs/index.html"), "docs");
        Files.writeString(filesDir.resolve("in.txt"), "in");
        Files.createDirectories(filesDir.resolve("sub"));
        http = new HttpHarness(HttpSettings.basic(Runnable::run).withDirectories(staticDir, filesDir));
    }

    @AfterEach
    void close() {
        http.close();
    }

    private Response request(String method, String target, String body) {
        return http.request(method, target, "", body);
    }

    @ParameterizedTest(name = "{0} {1} -> 400")
    @CsvSource({
            "PUT, /files/newdir/", "POST, /files/newdir/", "PATCH, /files/newdir/", "PUT, /files/newdir%2F",
            "PUT, /files/newdir/.", "PUT, /files/in.txt/", "PATCH, /files/in.txt/", "PUT, /files/sub/", "PUT, /files/"})
    void writesToADirectoryTargetAre400(String method, String target) throws Exception {
        Response response = request(method, target, "body");
        assertEquals(400, response.status());
        assertEquals(FileStore.DIRECTORY_TARGET, response.body());
        assertFalse(Files.exists(filesDir.resolve("newdir")), "no file and no directory made");
        assertEquals("in", Files.readString(filesDir.resolve("in.txt")));
        assertTrue(Files.isDirectory(filesDir.resolve("sub")));
        assertTrue(http.channel.isOpen(), "a client's mistake: the connection stays");
    }

    @ParameterizedTest(name = "{0} {1} -> {2}")
    @CsvSource({
            "GET, /files/in.txt/, 404", "HEAD, /files/in.txt/, 404", "DELETE, /files/in.txt/, 404",
            "GET, /files/in.txt%2f, 404", "GET, /files/sub/, 404", "DELETE, /files/sub/, 404", "GET, /files/in.txt, 200",
            "GET, /static/digits.txt/, 404", "HEAD, /static/digits.txt/, 404", "GET, /static/digits.txt%2F, 404",
            "GET, /static/docs/index.html/, 404", "GET, /static/digits.txt, 200", "GET, /static/docs/, 200",
            "GET, /static/docs, 200", "GET, /static/, 200"})
    void readsOfADirectoryTarget(String method, String target, int status) throws Exception {
        assertEquals(status, request(method, target, null).status());
        assertEquals("in", Files.readString(filesDir.resolve("in.txt")));
        assertTrue(Files.isDirectory(filesDir.resolve("sub")));
    }
}
