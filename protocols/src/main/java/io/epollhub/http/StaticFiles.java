package io.epollhub.http;

import io.netty.handler.codec.DateFormatter;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Date;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Executor;

/**
 * {@code GET}/{@code HEAD /static/...}: files under one directory, {@code index.html} for directories, with
 * validators ({@code ETag}, {@code Last-Modified}, answered 304 when unchanged) and single byte ranges (206,
 * or 416 when unsatisfiable; the whole file when {@code If-Range} names another version). Bodies go out
 * zero-copy through {@link Reply#sendFile}.
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
            Map.entry("woff", "font/woff"), Map.entry("woff2", "font/woff2"), Map.entry("mp4", "video/mp4"),
            Map.entry("webm", "video/webm"));

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
            FileStore.run(reply, blocking, () -> serve(request, reply, path));
        } catch (SafePath.Refused refused) {
            reply.send(Responses.status(request.protocolVersion(), refused.status));
        }
        return Exchange.DISCARD_BODY;
    }

    private void serve(HttpRequest request, Reply reply, Path path) throws Exception {
        HttpVersion version = request.protocolVersion();
        SafePath.checkLinks(realBase, path);
        Path file = Files.isDirectory(path) ? path.resolve("index.html") : path;
        SafePath.checkLinks(realBase, file);
        if (!Files.isRegularFile(file)) {
            reply.send(Responses.status(version, HttpResponseStatus.NOT_FOUND));
            return;
        }
        BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
        long size = attributes.size();
        long modified = attributes.lastModifiedTime().toMillis() / 1000 * 1000; // HTTP dates have seconds
        String etag = "\"" + Long.toHexString(size) + "-" + Long.toHexString(attributes.lastModifiedTime().toMillis()) + "\"";
        if (notModified(request.headers(), etag, modified)) {
            FullHttpResponse response = Responses.empty(version, HttpResponseStatus.NOT_MODIFIED);
            validators(response.headers(), etag, modified);
            // What a 200 would carry (RFC 9110 section 8.6): keeps the connection's message framing plain.
            response.headers().set(HttpHeaderNames.CONTENT_LENGTH, size);
            reply.send(response);
            return;
        }
        String rangeHeader = request.headers().get(HttpHeaderNames.RANGE);
        if (rangeHeader != null && !ifRangeHolds(request.headers().get(HttpHeaderNames.IF_RANGE), etag, modified)) {
            rangeHeader = null; // the client's part is of another version of the file: it gets the whole new one
        }
        ByteRange range = ByteRange.parse(rangeHeader, size);
        if (range == ByteRange.UNSATISFIABLE) {
            FullHttpResponse response = Responses.status(version, HttpResponseStatus.REQUESTED_RANGE_NOT_SATISFIABLE);
            response.headers().set(HttpHeaderNames.CONTENT_RANGE, "bytes */" + size);
            reply.send(response);
            return;
        }
        RandomAccessFile body = new RandomAccessFile(file.toFile(), "r");
        HttpResponse head;
        if (range == null) {
            head = Responses.head(version, HttpResponseStatus.OK, contentType(file), size);
            range = new ByteRange(0, size - 1);
        } else {
            head = Responses.head(version, HttpResponseStatus.PARTIAL_CONTENT, contentType(file), range.length());
            head.headers().set(HttpHeaderNames.CONTENT_RANGE, "bytes " + range.first() + "-" + range.last() + "/" + size);
        }
        head.headers().set(HttpHeaderNames.ACCEPT_RANGES, "bytes");
        validators(head.headers(), etag, modified);
        reply.sendFile(head, body, range.first(), range.length());
    }

    private static void validators(HttpHeaders headers, String etag, long modified) {
        headers.set(HttpHeaderNames.ETAG, etag);
        headers.set(HttpHeaderNames.LAST_MODIFIED, DateFormatter.format(new Date(modified)));
    }

    /**
     * RFC 9110 section 13.1.5: a {@code Range} sent with {@code If-Range} applies only while the file is the one the
     * client has part of: its entity tag compared strongly (a weak tag never matches), or its exact
     * {@code Last-Modified} date.
     */
    static boolean ifRangeHolds(String ifRange, String etag, long modifiedMillis) {
        if (ifRange == null) {
            return true;
        }
        String validator = ifRange.trim();
        if (validator.startsWith("\"") || validator.startsWith("W/")) {
            return validator.equals(etag);
        }
        Date date = DateFormatter.parseHttpDate(validator);
        return date != null && date.getTime() == modifiedMillis;
    }

    /** RFC 9110 section 13.2.2: If-None-Match decides when present; otherwise If-Modified-Since. */
    static boolean notModified(HttpHeaders headers, String etag, long modifiedMillis) {
        String ifNoneMatch = headers.get(HttpHeaderNames.IF_NONE_MATCH);
        if (ifNoneMatch != null) {
            for (String candidate : ifNoneMatch.split(",")) {
                String tag = candidate.trim();
                if (tag.equals("*") || tag.equals(etag) || tag.equals("W/" + etag)) {
                    return true;
                }
            }
            return false;
        }
        String ifModifiedSince = headers.get(HttpHeaderNames.IF_MODIFIED_SINCE);
        if (ifModifiedSince != null) {
            Date since = DateFormatter.parseHttpDate(ifModifiedSince);
            return since != null && modifiedMillis <= since.getTime();
        }
        return false;
    }
}
