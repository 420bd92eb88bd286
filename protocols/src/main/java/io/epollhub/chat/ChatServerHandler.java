package io.epollhub.chat;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.TooLongFrameException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;

/** One chat client: joins the room when connected, broadcasts each non-empty line it sends. */
final class ChatServerHandler extends SimpleChannelInboundHandler<String> {

    private static final Logger log = LoggerFactory.getLogger(ChatServerHandler.class);

    private final ChatRoom room;
    private final String lineTooLong;

    ChatServerHandler(ChatRoom room, int maxLineBytes) {
        this.room = room;
        this.lineTooLong = "! line too long (max " + maxLineBytes + " bytes)";
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        String nick = room.join(ctx.channel());
        log.debug("chat client {} joined from {}", nick, ctx.channel().remoteAddress());
        super.channelActive(ctx);
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, String line) {
        if (!line.isEmpty()) {
            room.say(ctx.channel(), line);
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        log.debug("chat client {} left", ChatRoom.nickOf(ctx.channel()));
        super.channelInactive(ctx);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof TooLongFrameException) {
            // The decoder drops the rest of the line; the client may go on.
            ctx.writeAndFlush(ChatLines.encode(ctx.alloc(), lineTooLong));
        } else if (cause instanceof IOException) {
            log.debug("chat client {} connection error: {}", ChatRoom.nickOf(ctx.channel()), cause.toString());
            ctx.close();
        } else {
            log.warn("chat client {} unexpected error, closing", ChatRoom.nickOf(ctx.channel()), cause);
            ctx.close();
        }
    }
}
