package io.epollhub.http;

import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpRequestDecoder;
import io.netty.handler.codec.http.HttpVersion;

/**
 * Netty's request decoder, refusing what RFC 9112 section 6.1 lets a server refuse: a request with both
 * {@code Transfer-Encoding} and {@code Content-Length} is how request smuggling starts, so it is marked failed
 * (400, then close) instead of having its {@code Content-Length} dropped.
 */
final class StrictRequestDecoder extends HttpRequestDecoder {

    static final int MAX_INITIAL_LINE = 4096;
    static final int MAX_HEADER_SIZE = 8192;

    StrictRequestDecoder() {
        super(new HttpDecoderConfig()
                .setMaxInitialLineLength(MAX_INITIAL_LINE)
                .setMaxHeaderSize(MAX_HEADER_SIZE)
                .setMaxChunkSize(64 * 1024));
    }

    /**
     * The request line as RFC 9112 section 3 writes it: {@code HTTP} in capitals (Netty's own parse would take
     * {@code http/1.1}), and a target of visible ASCII only (no control bytes, no raw non-ASCII: those must be
     * percent-encoded). A failure here is the decoder's, so it is answered 400 and the connection closed. A later
     * 1.x is answered as 1.1, the highest this server speaks (RFC 9110 section 6.2).
     */
    @Override
    protected HttpMessage createMessage(String[] initialLine) throws Exception {
        if (!initialLine[2].startsWith("HTTP/")) {
            throw new IllegalArgumentException("the protocol is HTTP, in capitals");
        }
        String target = initialLine[1];
        for (int i = 0; i < target.length(); i++) {
            char c = target.charAt(i);
            if (c <= ' ' || c >= 0x7f) {
                throw new IllegalArgumentException("request target with a byte that is not visible ASCII");
            }
        }
        HttpMessage message = super.createMessage(initialLine);
        HttpVersion version = message.protocolVersion();
        if (version.majorVersion() == 1 && version.minorVersion() > 1) {
            message.setProtocolVersion(HttpVersion.HTTP_1_1);
        }
        return message;
    }

    @Override
    protected void handleTransferEncodingChunkedWithContentLength(HttpMessage message) {
        super.handleTransferEncodingChunkedWithContentLength(message);
        message.setDecoderResult(DecoderResult.failure(
                new IllegalArgumentException("both Transfer-Encoding and Content-Length")));
    }
}
