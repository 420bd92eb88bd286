package io.epollhub.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.AsciiString;
import io.netty.util.CharsetUtil;

/** Builds responses; every one carries {@code Server}, {@code Date} and, when it has a body, its length. */
final class Responses {

    static final AsciiString SERVER = AsciiString.cached("epollhub");
    static final AsciiString TEXT_PLAIN_UTF8 = AsciiString.cached("text/plain; charset=utf-8");
    static final AsciiString OCTET_STREAM = AsciiString.cached("application/octet-stream");

    private Responses() {
    }

    static FullHttpResponse text(HttpVersion version, HttpResponseStatus status, String body) {
        return full(version, status, TEXT_PLAIN_UTF8, Unpooled.copiedBuffer(body, CharsetUtil.UTF_8));
    }

    /** A short text body naming the status: {@code 404 Not Found}. */
    static FullHttpResponse status(HttpVersion version, HttpResponseStatus status) {
        return text(version, status, status.reasonPhrase() + "\n");
    }

    static FullHttpResponse full(HttpVersion version, HttpResponseStatus status, CharSequence contentType, ByteBuf body) {
        FullHttpResponse response = new DefaultFullHttpResponse(version, status, body, false);
        HttpHeaders headers = standard(response.headers());
        if (contentType != null) {
            headers.set(HttpHeaderNames.CONTENT_TYPE, contentType);
        }
        headers.setInt(HttpHeaderNames.CONTENT_LENGTH, body.readableBytes());
        return response;
    }

    /** No body at all, not even a Content-Length: what 204 and 304 must look like (RFC 9110 sections 15.3.5, 15.4.5). */
    static FullHttpResponse empty(HttpVersion version, HttpResponseStatus status) {
        FullHttpResponse response = new DefaultFullHttpResponse(version, status, Unpooled.EMPTY_BUFFER, false);
        standard(response.headers());
        return response;
    }

    /** The head of a response whose body follows separately (a file). */
    static HttpResponse head(HttpVersion version, HttpResponseStatus status, CharSequence contentType, long length) {
        HttpResponse response = new DefaultHttpResponse(version, status, false);
        HttpHeaders headers = standard(response.headers());
        headers.set(HttpHeaderNames.CONTENT_TYPE, contentType);
        headers.set(HttpHeaderNames.CONTENT_LENGTH, length);
        return response;
    }

    private static HttpHeaders standard(HttpHeaders headers) {
        headers.set(HttpHeaderNames.SERVER, SERVER);
        headers.set(HttpHeaderNames.DATE, HttpDate.now());
        return headers;
    }
}
