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

    /**
     * Whether the client always sends first (HTTP): then the kernel may hold a new connection until its first
     * bytes arrive ({@code TCP_DEFER_ACCEPT}), so accepting it and reading its request take one wake-up, not two.
     * Not for a service that greets first (chat).
     */
    default boolean clientSpeaksFirst() {
        return false;
    }
}
