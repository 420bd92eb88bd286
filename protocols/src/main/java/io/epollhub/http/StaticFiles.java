package io.epollhub.http;

import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Executor;

/**
 * {@code GET}/{@code HEAD /static/...}: files under one directory, {@code index.html} for directories, with
 * validators ({@code ETag}, {@code Last-Modified}; 304 when unchanged, 412 when a precondition fails) and single
 * byte ranges (206, or 416 when unsatisfiable; the whole file when {@code If-Range} names another version). Bodies
 * go out zero-copy through {@link Reply#sendFile}.
 */
final class StaticFiles {

    static final String ALLOW = "GET, HEAD, OPTIONS";

    private static final Map<String, String> TYPES = Map.ofEntries(
            Map.entry("html", "text/html; charset=utf-8"), Map.entry("htm", "text/html; charset=utf-8"),
            Map.entry("css", "text/css; charset=utf-8"), Map.entry("js", "text/javascript; charset=utf-8"),
            Map.entry("mjs", "text/javascript; charset=utf-8"), Map.entry("json", "application/json"),
            Map.entry("txt", "text/plain; charset=utf-8"), Map.entry("md", "text/markdown; charset=utf-8"),
            Map.entry("csv", "text/csv; charset=utf-8"), Map.entry("xml", "application/xml"),
            Map.entry("svg", "image/svg+xml"), Map.entry("png", "image/png"), Map.entry("jpg", "image/jpeg"),
            Map.entry("jpeg", "image/jpeg"), Map.entry("gif", "image/gif"), Map.entry("webp", "image/webp"),
            Map.entry("ico", "image/x-icon"), Map.entry("wasm", "application/wasm"), Map.entry("pdf", "application/pdf"),
            Map.entry("avif", "image/avif"), Map.entry("woff", "font/woff"), Map.entry("woff2", "font/woff2"),
            Map.entry("ttf", "font/ttf"), Map.entry("otf", "font/otf"), Map.entry("mp4", "video/mp4"),
            Map.entry("webm", "video/webm"), Map.entry("mp3", "audio/mpeg"), Map.entry("ogg", "audio/ogg"),
            Map.entry("opus", "audio/ogg"), Map.entry("wav", "audio/wav"), Map.entry("m4a", "audio/mp4"),
            Map.entry("flac", "audio/flac"), Map.entry("zip", "application/zip"), Map.entry("gz", "application/gzip"),
            Map.entry("map", "application/json"), Map.entry("webmanifest", "application/manifest+json"));

    private final Path base;
    private final Path realBase;
    private final Executor blocking;

    StaticFiles(Path base, Executor blocking) throws java.io.IOException {
        this.base = base.toAbsolutePath().normalize();
        this.realBase = this.base.toRealPath();
        this.blocking = blocking;
    }

    static String contentType(Path file) {
        String name = file.getFileName().toString();
        int dot = name.lastIndexOf('.');
        String type = dot < 0 ? null : TYPES.get(name.substring(dot + 1).toLowerCase(Locale.ROOT));
        return type != null ? type : "application/octet-stream";
    }

    Exchange handle(HttpRequest request, Reply reply, String rawPath) {
        HttpMethod method = request.method();
        if (!method.equals(HttpMethod.GET) && !method.equals(HttpMethod.HEAD)) {
            Router.notAllowed(reply, ALLOW);
            return Exchange.DISCARD_BODY;
        }
        try {
            Path path = SafePath.lexical(base, rawPath);
            if (SafePath.nameTooLong(path)) {
                reply.send(Responses.status(request.protocolVersion(), HttpResponseStatus.NOT_FOUND));
                return Exchange.DISCARD_BODY;
            }
            boolean directory = SafePath.namesDirectory(rawPath);
            FileStore.run(reply, blocking, () -> serve(request, reply, path, directory));
        } catch (SafePath.Refused refused) {
            reply.send(Responses.status(request.protocolVersion(), refused.status));
        }
        return Exchange.DISCARD_BODY;
    }

    /** {@code directory}: the target ended in {@code /}, so only a directory (its index) answers it. */
    private void serve(HttpRequest request, Reply reply, Path path, boolean directory) throws Exception {
        HttpVersion version = request.protocolVersion();
        SafePath.checkLinks(realBase, path);
        boolean isDirectory = Files.isDirectory(path);
        Path file = isDirectory ? path.resolve("index.html") : path;
        SafePath.checkLinks(realBase, file);
        FileVersion current = directory && !isDirectory ? null : FileVersion.ofFile(file);
        if (current == null) {
            reply.send(Responses.status(version, HttpResponseStatus.NOT_FOUND));
            return;
        }
        if (Preconditions.answered(reply, current)) {
            return;
        }
        send(reply, file, current, contentType(file));
    }

    /**
     * Sends {@code file}, whose preconditions have passed, as {@code current} describes it: whole (200), or the one
     * {@code Range} asked for (206, or 416 with {@code Content-Range: bytes *}{@code /size}) unless {@code If-Range}
     * names another version. Shared with the files API.
     */
    static void send(Reply reply, Path file, FileVersion current, CharSequence contentType)
            throws IOException, SafePath.Refused {
        HttpRequest request = reply.request;
        HttpVersion version = request.protocolVersion();
        long size = current.size();
        String rangeHeader = request.headers().get(HttpHeaderNames.RANGE);
        if (rangeHeader != null && !current.ifRangeHolds(request.headers().get(HttpHeaderNames.IF_RANGE))) {
            rangeHeader = null; // the client's part is of another version of the file: it gets the whole new one
        }
        ByteRange range = ByteRange.parse(rangeHeader, size);
        if (range == ByteRange.UNSATISFIABLE) {
            FullHttpResponse response = Responses.status(version, HttpResponseStatus.REQUESTED_RANGE_NOT_SATISFIABLE);
            response.headers().set(HttpHeaderNames.CONTENT_RANGE, "bytes */" + size);
            reply.send(response);
            return;
        }
        RandomAccessFile body = open(file);
        HttpResponse head;
        if (range == null) {
            head = Responses.head(version, HttpResponseStatus.OK, contentType, size);
            range = new ByteRange(0, size - 1);
        } else {
            head = Responses.head(version, HttpResponseStatus.PARTIAL_CONTENT, contentType, range.length());
            head.headers().set(HttpHeaderNames.CONTENT_RANGE, "bytes " + range.first() + "-" + range.last() + "/" + size);
        }
        head.headers().set(HttpHeaderNames.ACCEPT_RANGES, "bytes");
        current.addTo(head.headers());
        reply.sendFile(head, body, range.first(), range.length());
    }

    /** RandomAccessFile says FileNotFoundException for every failed open(2): the two a client meets are told apart. */
    private static RandomAccessFile open(Path file) throws IOException, SafePath.Refused {
        try {
            return new RandomAccessFile(file.toFile(), "r");
        } catch (FileNotFoundException e) {
            if (!Files.exists(file)) {
                throw new SafePath.Refused(HttpResponseStatus.NOT_FOUND, "removed since its validators were read");
            }
            if (!Files.isReadable(file)) {
                throw new AccessDeniedException(file.toString());
            }
            throw e;
        }
    }
}
