package io.epollhub.http;

import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.group.ChannelGroup;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpServerKeepAliveHandler;

/**
 * The HTTP pipeline: codec, keep-alive bookkeeping, then the router.
 * Every connection joins {@code connections} so the server can drain them on shutdown.
 */
public final class HttpServerInitializer extends ChannelInitializer<Channel> {

    public static final String HTTP_CODEC = "httpCodec";
    public static final String HTTP_KEEP_ALIVE = "httpKeepAlive";
    public static final String HTTP_HANDLER = "httpHandler";

    private final ChannelGroup connections;

    public HttpServerInitializer(ChannelGroup connections) {
        this.connections = connections;
    }

    @Override
    protected void initChannel(Channel ch) {
        connections.add(ch);
        ChannelPipeline p = ch.pipeline();
        p.addLast(HTTP_CODEC, new HttpServerCodec());
        p.addLast(HTTP_KEEP_ALIVE, new HttpServerKeepAliveHandler());
        p.addLast(HTTP_HANDLER, new HttpServerHandler());
    }
}
