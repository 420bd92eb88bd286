package io.epollhub.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufHolder;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.channel.FileRegion;

/**
 * Counts the bytes a service reads and writes: first in the pipeline, so what it counts is what crosses the
 * socket (TLS records included). Stateless, one per service.
 */
@ChannelHandler.Sharable
public final class TrafficCounter extends ChannelDuplexHandler {

    public static final String NAME = "trafficCounter";

    private final Counter received;
    private final Counter sent;

    public TrafficCounter(MeterRegistry registry, String service) {
        this.received = Counter.builder("epollhub.traffic.received").baseUnit("bytes").tag("service", service)
                .description("Bytes read from clients").register(registry);
        this.sent = Counter.builder("epollhub.traffic.sent").baseUnit("bytes").tag("service", service)
                .description("Bytes written to clients").register(registry);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof ByteBuf buf) {
            received.increment(buf.readableBytes());
        }
        ctx.fireChannelRead(msg);
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        long bytes = msg instanceof ByteBuf buf ? buf.readableBytes()
                : msg instanceof ByteBufHolder holder ? holder.content().readableBytes()
                : msg instanceof FileRegion region ? region.count() - region.transferred() : 0;
        if (bytes > 0) {
            sent.increment(bytes);
        }
        ctx.write(msg, promise);
    }
}
