package io.epollhub.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpRequestDecoder;
import io.netty.handler.codec.http.HttpVersion;

import java.util.List;

/**
 * Netty's request decoder, refusing what RFC 9112 section 6.1 lets a server refuse: a request with both
 * {@code Transfer-Encoding} and {@code Content-Length} is how request smuggling starts, so it is marked failed
 * (400, then close) instead of having its {@code Content-Length} dropped.
 *
 * <p>It can also {@linkplain #hold() hold}: leave what was read as bytes rather than decode it. Requests
 * pipelined behind a slow answer wait that way, about 30 bytes each, where decoded they would be some 400 bytes
 * of objects each: a read of 64 KiB of small requests made about 900 KiB of heap per connection.
 */
final class StrictRequestDecoder extends HttpRequestDecoder {

    static final int MAX_INITIAL_LINE = 4096;
    static final int MAX_HEADER_SIZE = 8192;

    private ChannelHandlerContext ctx;
    private boolean held;
    /** The client half-closed: nothing is held from then on. */
    private boolean inputClosed;
    /** Decoding what was held: a release from inside it only stops the holding. */
    private boolean releasing;

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
    public void handlerAdded(ChannelHandlerContext ctx) throws Exception {
        this.ctx = ctx;
        super.handlerAdded(ctx);
    }

    /** Stops decoding: what is read from now on (or left over from this read) waits as bytes. */
    void hold() {
        held = !inputClosed;
    }

    /**
     * Decodes again: bytes held back are decoded now, as a read batch of their own. The decoder holds only while
     * a request waits for an answer that comes later (a timer, the blocking pool), so a release that finds it
     * holding comes from there, never from inside the decoder's own loop. When nothing was held, bytes not yet
     * decoded are the start of a request still coming, and wait for it.
     */
    void release() throws Exception {
        boolean wasHeld = held;
        held = false;
        if (wasHeld && !releasing && ctx != null && internalBuffer().isReadable()) {
            releasing = true;
            try {
                channelRead(ctx, Unpooled.EMPTY_BUFFER);
                channelReadComplete(ctx);
            } finally {
                releasing = false;
            }
        }
    }

    /** Bytes read and not yet decoded: those held back, or the start of a request still coming. */
    int undecodedBytes() {
        return internalBuffer().readableBytes();
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf buffer, List<Object> out) throws Exception {
        if (!held) {
            super.decode(ctx, buffer, out);
        }
    }

    /**
     * Once the client has half-closed, nothing more can be read, and Netty drops undecoded bytes at this event:
     * everything held is decoded first, so every request the client sent whole is still answered.
     */
    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        if (evt instanceof ChannelInputShutdownEvent) {
            inputClosed = true;
            held = false;
        }
        super.userEventTriggered(ctx, evt);
    }

    @Override
    protected void handleTransferEncodingChunkedWithContentLength(HttpMessage message) {
        super.handleTransferEncodingChunkedWithContentLength(message);
        message.setDecoderResult(DecoderResult.failure(
                new IllegalArgumentException("both Transfer-Encoding and Content-Length")));
    }
}
