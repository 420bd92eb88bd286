package io.epollhub.http;

import io.epollhub.net.ServicePipeline;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.group.ChannelGroup;
import io.netty.handler.codec.http.HttpResponseEncoder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.stream.ChunkedWriteHandler;

/**
 * The HTTP pipeline, in order: strict request decoder, response encoder, chunked writes (only behind TLS, for
 * files), then the connection handler, which also does what would otherwise be five more stages every request
 * passes through: the idle and slowloris timeouts (one timer, not one per request), keep-alive,
 * {@code Expect: 100-continue} against the body limit, and gzip for text. Every connection joins
 * {@code connections} so the server can drain them on shutdown.
 */
public final class HttpServerInitializer extends ChannelInitializer<Channel> implements ServicePipeline {

    public static final String HTTP_DECODER = "httpDecoder";
    public static final String HTTP_ENCODER = "httpEncoder";
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
    public boolean clientSpeaksFirst() {
        return true;
    }

    @Override
    public void initChannel(Channel ch) {
        connections.add(ch);
        // A client that half-closes after its request still gets the answer (HttpServerHandler).
        ch.config().setOption(ChannelOption.ALLOW_HALF_CLOSURE, true);
        ChannelPipeline p = ch.pipeline();
        p.addLast(HTTP_DECODER, new StrictRequestDecoder());
        p.addLast(HTTP_ENCODER, new HttpResponseEncoder());
        if (p.get(SslHandler.class) != null) {
            // Only TLS needs files in chunks (no sendfile through encryption); elsewhere the handler's
            // per-write queue would cost every response.
            p.addLast(CHUNKED_WRITER, new ChunkedWriteHandler());
        }
        p.addLast(HTTP_HANDLER, new HttpServerHandler(router, settings, metrics));
    }
}
