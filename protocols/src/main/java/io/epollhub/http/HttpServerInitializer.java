package io.epollhub.http;

import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.group.ChannelGroup;
import io.netty.handler.codec.http.HttpResponseEncoder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.stream.ChunkedWriteHandler;
import io.netty.handler.timeout.IdleStateHandler;

import java.util.concurrent.TimeUnit;

/**
 * The HTTP pipeline, in order: idle timeout, strict request decoder, response encoder, slowloris timeout,
 * chunked writes (only behind TLS, for files), then the connection handler, which also does what would
 * otherwise be three more stages every request passes through: keep-alive, {@code Expect: 100-continue}
 * against the body limit, and gzip for text. Every connection joins {@code connections} so the server can drain
 * them on shutdown.
 */
public final class HttpServerInitializer extends ChannelInitializer<Channel> {

    public static final String IDLE_TIMEOUT = "httpIdleTimeout";
    public static final String HTTP_DECODER = "httpDecoder";
    public static final String HTTP_ENCODER = "httpEncoder";
    public static final String HEADER_TIMEOUT = "httpHeaderTimeout";
    public static final String CHUNKED_WRITER = "httpChunkedWriter";
    public static final String HTTP_HANDLER = "httpHandler";

    private final ChannelGroup connections;
    private final HttpSettings settings;
    private final Router router;
    private final HttpMetrics metrics;

    public HttpServerInitializer(ChannelGroup connections, HttpSettings settings) {
        this.connections = connections;
        this.settings = settings;
        this.router = new Router(settings);
        this.metrics = new HttpMetrics(settings.registry());
    }

    @Override
    protected void initChannel(Channel ch) {
        connections.add(ch);
        ChannelPipeline p = ch.pipeline();
        if (!settings.idleTimeout().isZero()) {
            // Reader idle only: an all-idle handler would hang a listener on every write's promise.
            p.addLast(IDLE_TIMEOUT, new IdleStateHandler(settings.idleTimeout().toNanos(), 0, 0, TimeUnit.NANOSECONDS));
        }
        p.addLast(HTTP_DECODER, new StrictRequestDecoder());
        p.addLast(HTTP_ENCODER, new HttpResponseEncoder());
        if (!settings.headerTimeout().isZero()) {
            p.addLast(HEADER_TIMEOUT, new HeaderTimeoutHandler(settings.headerTimeout().toNanos()));
        }
        if (p.get(SslHandler.class) != null) {
            // Only TLS needs files in chunks (no sendfile through encryption); elsewhere the handler's
            // per-write queue would cost every response.
            p.addLast(CHUNKED_WRITER, new ChunkedWriteHandler());
        }
        p.addLast(HTTP_HANDLER, new HttpServerHandler(router, settings.maxBody(), metrics));
    }
}
