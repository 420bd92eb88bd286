package io.epollhub.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpResponseEncoder;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.AsciiString;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;

/**
 * A response that is the same for every request but for its {@code Date}, like the hello. Its two HTTP/1.1
 * forms (kept alive, and {@code Connection: close}) are encoded once a second by Netty's own
 * {@link HttpResponseEncoder}, so the bytes are exactly what the pipeline would have written, into direct
 * buffers that all answers of that second share (each writes a duplicate, or a read batch copies the bytes of
 * its later answers into one buffer) instead of building a response object, its headers and their encoding per
 * request. Other forms (HEAD, HTTP/1.0) are built by {@link #toResponse} and take the ordinary path.
 */
final class PreEncodedResponse {

    private final HttpResponseStatus status;
    private final CharSequence contentType;
    private final byte[] body;
    private volatile Encoded encoded = Encoded.of(AsciiString.EMPTY_STRING, new byte[0], new byte[0]);

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

    /** The HTTP/1.1 form with the current {@code Date}: a duplicate to write (releasing it is a no-op). */
    ByteBuf encoded(boolean keepAlive) {
        Encoded current = current();
        return (keepAlive ? current.keepAlive : current.close).duplicate();
    }

    /** Appends the kept-alive HTTP/1.1 form with the current {@code Date} to {@code out}. */
    void appendKeptAlive(ByteBuf out) {
        out.writeBytes(current().keepAliveBytes);
    }

    private Encoded current() {
        AsciiString date = HttpDate.now();
        Encoded current = encoded;
        if (!current.date.equals(date)) {
            current = Encoded.of(date, encode(true), encode(false));
            encoded = current; // racing event loops may each encode once; any of the results is right
        }
        return current;
    }

    private byte[] encode(boolean keepAlive) {
        EmbeddedChannel encoder = new EmbeddedChannel(new HttpResponseEncoder());
        try {
            FullHttpResponse response = toResponse(HttpVersion.HTTP_1_1);
            HttpUtil.setKeepAlive(response, keepAlive);
            encoder.writeOutbound(response);
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

    /**
     * Each form as bytes to copy and as a buffer to write duplicates of. The buffer is a JDK direct buffer, freed by
     * the garbage collector once the last duplicate of it is written and dropped: a buffer shared by many writes has
     * no single owner that could release it at the right time.
     */
    private record Encoded(AsciiString date, byte[] keepAliveBytes, ByteBuf keepAlive, ByteBuf close) {

        static Encoded of(AsciiString date, byte[] keepAlive, byte[] close) {
            return new Encoded(date, keepAlive, shared(keepAlive), shared(close));
        }

        private static ByteBuf shared(byte[] bytes) {
            return Unpooled.unreleasableBuffer(
                    Unpooled.wrappedBuffer(ByteBuffer.allocateDirect(bytes.length).put(bytes).flip()));
        }
    }
}
