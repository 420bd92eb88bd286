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

    static boolean isText(String contentType) {
        return contentType != null && (contentType.startsWith("text/") || contentType.startsWith("application/json")
                || contentType.startsWith("application/javascript") || contentType.startsWith("image/svg+xml")
                || contentType.startsWith("application/xml"));
    }
}
