package io.epollhub.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufOutputStream;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Locale;
import java.util.zip.GZIPOutputStream;

/**
 * gzip for text responses built in memory, when the client lists gzip in {@code Accept-Encoding}. Files sent
 * zero-copy and binary bodies pass untouched; bodies under {@value #MIN_SIZE} bytes (the 13-byte hello) too,
 * since compressing them costs more than it saves. Called by the connection handler as it writes a response,
 * so requests that cannot be compressed cost one length check and no pipeline stage.
 */
final class TextCompressor {

    static final int MIN_SIZE = 256;

    private TextCompressor() {
    }

    /**
     * {@code response} with its body in gzip form when the request accepts it and it is worth it (the original is
     * released then), otherwise {@code response} itself.
     */
    static FullHttpResponse compressIfAccepted(HttpRequest request, FullHttpResponse response, ByteBufAllocator alloc) {
        ByteBuf body = response.content();
        HttpHeaders headers = response.headers();
        if (body.readableBytes() < MIN_SIZE || !isText(headers.get(HttpHeaderNames.CONTENT_TYPE))
                || headers.contains(HttpHeaderNames.CONTENT_ENCODING)) {
            return response;
        }
        // Compressible: whether it is depends on Accept-Encoding, whichever form goes out (RFC 9110 section 12.5.5).
        headers.set(HttpHeaderNames.VARY, HttpHeaderNames.ACCEPT_ENCODING);
        String acceptEncoding = request.headers().get(HttpHeaderNames.ACCEPT_ENCODING);
        if (acceptEncoding == null || !acceptsGzip(acceptEncoding)) {
            return response;
        }
        ByteBuf gzipped = alloc.buffer(body.readableBytes() / 2 + 32);
        try (GZIPOutputStream out = new GZIPOutputStream(new ByteBufOutputStream(gzipped))) {
            body.readBytes(out, body.readableBytes());
        } catch (IOException e) {
            gzipped.release();
            throw new UncheckedIOException(e);
        }
        FullHttpResponse compressed = response.replace(gzipped);
        response.release();
        compressed.headers()
                .set(HttpHeaderNames.CONTENT_ENCODING, HttpHeaderValues.GZIP)
                .setInt(HttpHeaderNames.CONTENT_LENGTH, gzipped.readableBytes());
        return compressed;
    }

    /**
     * gzip whenever the client accepts it at all (RFC 9110 section 12.5.3), whatever else it prefers: this
     * server offers no other coding, so {@code deflate, gzip;q=0.8} still gets gzip.
     */
    static boolean acceptsGzip(String acceptEncoding) {
        Float gzip = null;
        Float star = null;
        for (String part : acceptEncoding.split(",")) {
            String[] fields = part.trim().split(";");
            String coding = fields[0].trim().toLowerCase(Locale.ROOT);
            float q = 1;
            for (int i = 1; i < fields.length; i++) {
                String param = fields[i].trim();
                if (param.startsWith("q=")) {
                    try {
                        q = Float.parseFloat(param.substring(2));
                    } catch (NumberFormatException e) {
                        q = 0;
                    }
                }
            }
            if (coding.equals("gzip") || coding.equals("x-gzip")) {
                gzip = q;
            } else if (coding.equals("*")) {
                star = q;
            }
        }
        return gzip != null ? gzip > 0 : star != null && star > 0;
    }

    static boolean isText(String contentType) {
        return contentType != null && (contentType.startsWith("text/") || contentType.startsWith("application/json")
                || contentType.startsWith("application/javascript") || contentType.startsWith("image/svg+xml")
                || contentType.startsWith("application/xml"));
    }
}
