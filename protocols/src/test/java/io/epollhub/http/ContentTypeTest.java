package io.epollhub.http;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** What {@code /static/} labels a file by its extension: what browsers need to show it rather than download it. */
class ContentTypeTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "index.html|text/html; charset=utf-8",
            "app.JS|text/javascript; charset=utf-8",
            "app.js.map|application/json",
            "site.webmanifest|application/manifest+json",
            "photo.avif|image/avif",
            "font.ttf|font/ttf",
            "font.otf|font/otf",
            "song.mp3|audio/mpeg",
            "clip.ogg|audio/ogg",
            "voice.opus|audio/ogg",
            "beep.wav|audio/wav",
            "track.m4a|audio/mp4",
            "album.flac|audio/flac",
            "bundle.zip|application/zip",
            "logs.tar.gz|application/gzip",
            "README|application/octet-stream",
            "data.bin|application/octet-stream",
            ".hidden|application/octet-stream"})
    void byExtensionIgnoringCase(String name, String type) {
        assertEquals(type, StaticFiles.contentType(Path.of("public", name)));
    }
}
