package io.epollhub.http;

import io.netty.handler.codec.compression.StandardCompressionOptions;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContentCompressor;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponse;

/**
 * gzip for text responses built in memory, when the client lists gzip in {@code Accept-Encoding}. Files sent
 * zero-copy and binary bodies pass untouched; bodies under {@value #MIN_SIZE} bytes (the 13-byte hello) too,
 * since compressing them costs more than it saves.
 */
final class TextCompressor extends HttpContentCompressor {

    static final int MIN_SIZE = 256;

    TextCompressor() {
        super(MIN_SIZE, StandardCompressionOptions.gzip());
    }

    @Override
    protected Result beginEncode(HttpResponse response, String acceptEncoding) throws Exception {
        if (!(response instanceof FullHttpResponse) || !isText(response.headers().get(HttpHeaderNames.CONTENT_TYPE))) {
            return null;
        }
        Result result = super.beginEncode(response, acceptEncoding);
        if (result != null) {
            response.headers().set(HttpHeaderNames.VARY, HttpHeaderNames.ACCEPT_ENCODING);
        }
        return result;
    }

    /**
     * gzip whenever the client accepts it at all (RFC 9110 section 12.5.3), whatever else it prefers: Netty's
     * own choice would pick deflate for {@code deflate, gzip;q=0.8}, which this server does not offer.
     */
    @Override
    protected String determineEncoding(String acceptEncoding) {
        return acceptsGzip(acceptEncoding) ? "gzip" : null;
    }

    static boolean acceptsGzip(String acceptEncoding) {
        Float gzip = null;
        Float star = null;
        for (String part : acceptEncoding.split(",")) {
            String[] fields = part.trim().split(";");
            String coding = fields[0].trim().toLowerCase(java.util.Locale.ROOT);
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
