package io.epollhub.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpResponseEncoder;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.AsciiString;

import java.io.ByteArrayOutputStream;

/**
 * A response that is the same for every request but for its {@code Date}, like the hello: its HTTP/1.1
 * keep-alive form is encoded once a second, by Netty's own {@link HttpResponseEncoder} so the bytes are exactly
 * what the pipeline would have written, and each answer is one copy of those bytes instead of a response
 * object, its headers and their encoding. Other forms (HEAD, HTTP/1.0, a closing connection) are built as
 * {@link #toResponse} and take the ordinary path.
 */
final class PreEncodedResponse {

    private final HttpResponseStatus status;
    private final CharSequence contentType;
    private final byte[] body;
    private volatile Encoded encoded = new Encoded(AsciiString.EMPTY_STRING, new byte[0]);

    PreEncodedResponse(HttpResponseStatus status, CharSequence contentType, byte[] body) {
        if (body.length >= TextCompressor.MIN_SIZE) {
            throw new IllegalArgumentException("a pre-encoded body must be too small to compress");
        }
        this.status = status;
        this.contentType = contentType;
        this.body = body.clone();
    }

    HttpResponseStatus status() {
        return status;
    }

    int contentLength() {
        return body.length;
    }

    FullHttpResponse toResponse(HttpVersion version) {
        return Responses.full(version, status, contentType, Unpooled.wrappedBuffer(body));
    }

    /** The HTTP/1.1 keep-alive form with the current {@code Date}, in a buffer of {@code alloc}'s. */
    ByteBuf encode(ByteBufAllocator alloc) {
        AsciiString date = HttpDate.now();
        Encoded current = encoded;
        if (!current.date.equals(date)) {
            current = new Encoded(date, encodeWithNetty());
            encoded = current; // racing event loops may each encode once; any of the results is right
        }
        return alloc.directBuffer(current.bytes.length).writeBytes(current.bytes);
    }

    private byte[] encodeWithNetty() {
        EmbeddedChannel encoder = new EmbeddedChannel(new HttpResponseEncoder());
        try {
            encoder.writeOutbound(toResponse(HttpVersion.HTTP_1_1));
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            for (ByteBuf part; (part = encoder.readOutbound()) != null; ) {
                try {
                    out.writeBytes(ByteBufUtil.getBytes(part));
                } finally {
                    part.release();
                }
            }
            return out.toByteArray();
        } finally {
            encoder.finishAndReleaseAll();
        }
    }

    private record Encoded(AsciiString date, byte[] bytes) {
    }
}
