package io.epollhub.chat;

import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.LineBasedFrameDecoder;
import io.netty.handler.codec.string.StringDecoder;
import io.netty.util.CharsetUtil;

/** The chat pipeline: split input into lines (LF or CRLF), decode UTF-8, hand each line to the room. */
public final class ChatServerInitializer extends ChannelInitializer<Channel> {

    public static final String LINE_DECODER = "chatLineDecoder";
    public static final String STRING_DECODER = "chatStringDecoder";
    public static final String CHAT_HANDLER = "chatHandler";

    /** Stateless; malformed UTF-8 becomes U+FFFD rather than an error. */
    private static final StringDecoder UTF8_DECODER = new StringDecoder(CharsetUtil.UTF_8);

    private final ChatRoom room;
    private final int maxLineBytes;

    public ChatServerInitializer(ChatRoom room, int maxLineBytes) {
        if (maxLineBytes < 1) {
            throw new IllegalArgumentException("maxLineBytes must be positive: " + maxLineBytes);
        }
        this.room = room;
        this.maxLineBytes = maxLineBytes;
    }

    @Override
    protected void initChannel(Channel ch) {
        ChannelPipeline p = ch.pipeline();
        // failFast: report an over-long line as soon as it passes the limit, then skip to its end.
        p.addLast(LINE_DECODER, new LineBasedFrameDecoder(maxLineBytes, true, true));
        p.addLast(STRING_DECODER, UTF8_DECODER);
        p.addLast(CHAT_HANDLER, new ChatServerHandler(room, maxLineBytes));
    }
}
