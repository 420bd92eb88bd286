package io.epollhub.net;

import io.netty.channel.Channel;

/**
 * A service's handlers for a new connection. The server calls this from its own per-connection initializer,
 * after what it puts in front (traffic counting, TLS), so each accepted connection runs one initializer, not
 * one per layer: every {@code ChannelInitializer} costs a connection a pipeline insertion, a removal and two
 * updates of a concurrent map.
 */
public interface ServicePipeline {

    void initChannel(Channel ch);
}
