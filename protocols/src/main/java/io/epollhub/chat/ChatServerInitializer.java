package io.epollhub.chat;

import io.epollhub.net.ServicePipeline;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.string.StringDecoder;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.CharsetUtil;

import java.util.concurrent.TimeUnit;

/**
 * The chat pipeline: close idle clients, drop telnet commands, split input into lines (LF or CRLF), decode UTF-8,
 * hand each line to the room. What the room sends a client goes through its {@link ChatOutbox}.
 */
public final class ChatServerInitializer extends ChannelInitializer<Channel> implements ServicePipeline {

    public static final String IDLE_STATE = "chatIdleState";
    public static final String TELNET_FILTER = "chatTelnetFilter";
    public static final String LINE_DECODER = "chatLineDecoder";
    public static final String STRING_DECODER = "chatStringDecoder";
    public static final String CHAT_HANDLER = "chatHandler";

    /** Stateless; malformed UTF-8 becomes U+FFFD rather than an error. */
    private static final StringDecoder UTF8_DECODER = new StringDecoder(CharsetUtil.UTF_8);

    private final ChatRoom room;
    private final ChatSettings settings;

    public ChatServerInitializer(ChatRoom room, ChatSettings settings) {
        this.room = room;
        this.settings = settings;
    }

    @Override
    public void initChannel(Channel ch) {
        // A client that half-closes (nc -N, a script piping a file) is heard out, not cut off: its last
        // lines are delivered and it leaves as after /quit (ChatServerHandler).
        ch.config().setOption(ChannelOption.ALLOW_HALF_CLOSURE, true);
        ChannelPipeline p = ch.pipeline();
        if (!settings.idleTimeout().isZero()) {
            p.addLast(IDLE_STATE, new IdleStateHandler(settings.idleTimeout().toNanos(), 0, 0, TimeUnit.NANOSECONDS));
        }
        p.addLast(TELNET_FILTER, new TelnetCommandFilter());
        p.addLast(LINE_DECODER, new ChatLineDecoder(settings.maxLineBytes()));
        p.addLast(STRING_DECODER, UTF8_DECODER);
        p.addLast(CHAT_HANDLER, new ChatServerHandler(room, settings));
    }
}
