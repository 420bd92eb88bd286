package io.epollhub.chat;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToMessageDecoder;

import java.util.List;

/**
 * Removes telnet commands (RFC 854) from the input before it is split into lines and decoded, so that what
 * telnet sends on its own (Ctrl-C is {@code IAC IP IAC DO TIMING-MARK}, option negotiation, window sizes)
 * never reaches other people as U+FFFD garbage. IAC (0xFF) never occurs in UTF-8, so text is untouched.
 * Commands may be split across reads: the state carries over, so one filter per connection.
 */
final class TelnetCommandFilter extends MessageToMessageDecoder<ByteBuf> {

    private static final int IAC = 0xFF;
    private static final int SB = 0xFA;
    private static final int SE = 0xF0; // also the lowest command code
    private static final int WILL = 0xFB; // WILL, WONT, DO and DONT (0xFB-0xFE) each take one option byte

    private enum State { DATA, COMMAND, OPTION, SUBNEGOTIATION, SUBNEGOTIATION_IAC }

    /**
     * Longest subnegotiation taken (window size is 4 bytes, terminal type a few dozen): past it, a stray
     * {@code IAC SB} without its {@code IAC SE} stops swallowing what the client types.
     */
    static final int MAX_SUBNEGOTIATION = 1024;

    private State state = State.DATA;
    private int subnegotiated;

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (state == State.DATA && in.indexOf(in.readerIndex(), in.writerIndex(), (byte) IAC) < 0) {
            out.add(in.retain()); // the common case: no command, no copy
            return;
        }
        ByteBuf data = ctx.alloc().buffer(in.readableBytes());
        for (int i = in.readerIndex(); i < in.writerIndex(); i++) {
            int b = in.getUnsignedByte(i);
            state = switch (state) {
                case DATA -> {
                    if (b == IAC) {
                        yield State.COMMAND;
                    }
                    data.writeByte(b);
                    yield State.DATA;
                }
                case COMMAND -> {
                    if (b == IAC) {
                        data.writeByte(b); // IAC IAC is a data byte 0xFF (then invalid UTF-8, so U+FFFD)
                        yield State.DATA;
                    }
                    if (b < SE) {
                        // Not a command (those are 0xF0-0xFF): a stray 0xFF in non-UTF-8 input, kept as it came.
                        data.writeByte(IAC).writeByte(b);
                        yield State.DATA;
                    }
                    subnegotiated = 0;
                    yield b == SB ? State.SUBNEGOTIATION : b >= WILL ? State.OPTION : State.DATA;
                }
                case OPTION -> State.DATA;
                case SUBNEGOTIATION -> ++subnegotiated > MAX_SUBNEGOTIATION ? State.DATA
                        : b == IAC ? State.SUBNEGOTIATION_IAC : State.SUBNEGOTIATION;
                case SUBNEGOTIATION_IAC -> b == SE ? State.DATA : State.SUBNEGOTIATION;
            };
        }
        in.skipBytes(in.readableBytes());
        if (data.isReadable()) {
            out.add(data);
        } else {
            data.release();
        }
    }
}
