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
import java.util.regex.Pattern;
import java.util.zip.GZIPOutputStream;

/**
 * gzip for text responses built in memory, when the client lists gzip in {@code Accept-Encoding}. Files sent
 * zero-copy and binary bodies pass untouched; bodies under {@value #MIN_SIZE} bytes (the 13-byte hello) too,
 * since compressing them costs more than it saves. Called by the connection handler as it writes a response,
 * so requests that cannot be compressed cost one length check and no pipeline stage.
 */
final class TextCompressor {

    static final int MIN_SIZE = 256;

    /** RFC 9110 section 12.4.2: a qvalue is 0 to 1 with at most three decimals. */
    private static final Pattern QVALUE = Pattern.compile("0(\\.\\d{0,3})?|1(\\.0{0,3})?");

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
     * server offers no other coding, so {@code deflate, gzip;q=0.8} still gets gzip. gzip (or {@code x-gzip}) is
     * accepted when listed with a weight above 0, or when not listed and {@code *} is; it loses only to an
     * {@code identity} listed with a higher weight. {@code identity;q=0} never forces gzip on a client that did
     * not accept it: that client gets the body as it is.
     */
    static boolean acceptsGzip(String acceptEncoding) {
        float gzip = -1; // -1: not listed
        float star = -1;
        float identity = -1;
        for (String part : acceptEncoding.split(",")) {
            String[] fields = part.split(";");
            float q = weight(fields);
            switch (fields[0].trim().toLowerCase(Locale.ROOT)) {
                case "gzip", "x-gzip" -> gzip = Math.max(gzip, q);
                case "identity" -> identity = q;
                case "*" -> star = q;
                default -> {
                }
            }
        }
        float q = gzip >= 0 ? gzip : star;
        return q > 0 && q >= identity;
    }

    /** The weight of one element: 1 when it has none, 0 when it is not a qvalue (refused rather than guessed). */
    private static float weight(String[] fields) {
        float q = 1;
        for (int i = 1; i < fields.length; i++) {
            int equals = fields[i].indexOf('=');
            if (equals > 0 && fields[i].substring(0, equals).trim().equalsIgnoreCase("q")) { // "q" or "Q"
                String value = fields[i].substring(equals + 1).trim();
                q = QVALUE.matcher(value).matches() ? Float.parseFloat(value) : 0;
            }
        }
        return q;
    }

    static boolean isText(String contentType) {
        return contentType != null && (contentType.startsWith("text/") || contentType.startsWith("application/json")
                || contentType.startsWith("application/javascript") || contentType.startsWith("image/svg+xml")
                || contentType.startsWith("application/xml"));
    }
}
