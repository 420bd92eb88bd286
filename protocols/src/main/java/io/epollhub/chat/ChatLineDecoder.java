package io.epollhub.chat;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.LineBasedFrameDecoder;
import io.netty.handler.codec.TooLongFrameException;

import java.util.List;

/**
 * Splits chat input into lines (LF or CRLF, delimiter stripped), reporting an over-long line as soon as it
 * passes the limit and skipping to its end. At end of input a last line without its newline still counts:
 * {@code printf 'tail' | nc -N} sends one.
 */
final class ChatLineDecoder extends LineBasedFrameDecoder {

    private final int maxLineBytes;

    ChatLineDecoder(int maxLineBytes) {
        // One byte more than the limit: LineBasedFrameDecoder counts a CR still waiting for its LF as part of
        // the line, so a line of exactly the limit whose CR and LF arrive in two reads would be refused.
        // Frames over the limit are refused in decode instead.
        super(maxLineBytes + 1, true, true);
        this.maxLineBytes = maxLineBytes;
    }

    @Override
    protected Object decode(ChannelHandlerContext ctx, ByteBuf buffer) throws Exception {
        Object frame = super.decode(ctx, buffer);
        if (frame instanceof ByteBuf line && line.readableBytes() > maxLineBytes) {
            int length = line.readableBytes();
            line.release();
            // Reported like the decoder's own: the handler answers, decoding goes on with the next line.
            ctx.fireExceptionCaught(new TooLongFrameException("line of " + length + " bytes"));
            return null;
        }
        return frame;
    }

    @Override
    protected void decodeLast(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) throws Exception {
        super.decodeLast(ctx, in, out);
        // What is left has no line end. While an over-long line is being skipped the decoder consumes
        // everything it is given, so these bytes are the start of a fresh line.
        int length = in.readableBytes();
        if (length > 0 && in.getByte(in.writerIndex() - 1) == '\r') {
            length--;
        }
        if (length > maxLineBytes) {
            ctx.fireExceptionCaught(new TooLongFrameException("last line of " + length + " bytes"));
        } else if (length > 0) {
            out.add(in.retainedSlice(in.readerIndex(), length));
        }
        in.skipBytes(in.readableBytes());
    }
}
