package io.epollhub.server;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.channel.ChannelConfig;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.TimeUnit;

/**
 * On a listener: a connection the kernel could not hand over (most often the open-file limit, {@code EMFILE}) is
 * one clear log line and a count, and the listener pauses accepting for a second, leaving new connections
 * waiting in the backlog rather than spinning on an accept that keeps failing. Netty's own acceptor pauses the
 * same way but then passes the error on to the end of the pipeline, where it is logged as unhandled with a
 * stack trace; this handler sits before it and keeps it.
 */
@ChannelHandler.Sharable
final class AcceptFailures extends ChannelInboundHandlerAdapter {

    private static final Logger log = LoggerFactory.getLogger(AcceptFailures.class);
    static final long PAUSE_SECONDS = 1;

    private final String service;
    private final Counter failures;

    AcceptFailures(MeterRegistry registry, String service) {
        this.service = service;
        this.failures = Counter.builder("epollhub.accept.failures").tag("service", service)
                .description("Connections the listener could not accept (open-file limit, memory)").register(registry);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        failures.increment();
        String reason = String.valueOf(cause.getMessage());
        log.warn("{}: cannot accept connections: {}{}; accepting again in {} s", service, reason,
                reason.contains("Too many open files") ? " (the open-file limit, ulimit -n, is reached)" : "",
                PAUSE_SECONDS);
        ChannelConfig config = ctx.channel().config();
        if (config.isAutoRead()) {
            config.setAutoRead(false);
            ctx.channel().eventLoop().schedule(() -> config.setAutoRead(true), PAUSE_SECONDS, TimeUnit.SECONDS);
        }
    }
}
