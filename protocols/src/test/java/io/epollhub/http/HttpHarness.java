package io.epollhub.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.FileRegion;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.stream.ChunkedInput;
import io.netty.util.CharsetUtil;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ImmediateEventExecutor;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/** One HTTP connection on an {@link EmbeddedChannel}: raw bytes in, raw bytes out (files included). */
final class HttpHarness implements AutoCloseable {

    final EmbeddedChannel channel;

    HttpHarness(HttpSettings settings) {
        this(settings, new DefaultChannelGroup(ImmediateEventExecutor.INSTANCE));
    }

    HttpHarness(HttpSettings settings, ChannelGroup connections) {
        this(new HttpServerInitializer(connections, settings));
    }

    /** Another connection to the same server: connections made from one initializer share its routes and files. */
    HttpHarness(HttpServerInitializer server) {
        channel = new EmbeddedChannel(server);
    }

    /** Writes {@code request} and returns everything the server answered, parsed. */
    Response exchange(String request) {
        send(request);
        return Response.parse(readAll());
    }

    /**
     * One HTTP/1.1 request with {@code Host: t}, then {@code headers} (whole lines, each ending in CRLF, or empty),
     * then {@code body} with its {@code Content-Length} ({@code null}: no body, no length), answered.
     */
    Response request(String method, String target, String headers, String body) {
        String length = body == null ? "" : "Content-Length: " + body.getBytes(StandardCharsets.UTF_8).length + "\r\n";
        return exchange(method + " " + target + " HTTP/1.1\r\nHost: t\r\n" + headers + length + "\r\n"
                + (body == null ? "" : body));
    }

    void send(String request) {
        channel.writeInbound(Unpooled.copiedBuffer(request, CharsetUtil.ISO_8859_1));
        channel.runPendingTasks();
    }

    /**
     * Lets {@code millis} pass for the connection's timeouts: they measure on the real clock, their timer runs on
     * the channel's, so both move on; then whatever fell due runs.
     */
    void elapse(long millis) throws InterruptedException {
        Thread.sleep(millis);
        channel.advanceTimeBy(millis, TimeUnit.MILLISECONDS);
        channel.runPendingTasks();
    }

    /** All output so far as text (ISO-8859-1, so bytes stay bytes), file regions included. */
    String readAll() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        WritableByteChannel sink = Channels.newChannel(out);
        try {
            for (Object msg; (msg = channel.readOutbound()) != null; ) {
                try {
                    if (msg instanceof ByteBuf buf) {
                        buf.readBytes(out, buf.readableBytes());
                    } else if (msg instanceof FileRegion region) {
                        while (region.transferred() < region.count()) {
                            region.transferTo(sink, region.transferred());
                        }
                    } else if (msg instanceof HttpContent content) {
                        content.content().readBytes(out, content.content().readableBytes());
                    } else if (msg instanceof ChunkedInput<?>) {
                        throw new AssertionError("chunked input on a plain connection");
                    } else {
                        throw new AssertionError("unexpected outbound " + msg);
                    }
                } finally {
                    ReferenceCountUtil.release(msg);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString(CharsetUtil.ISO_8859_1);
    }

    @Override
    public void close() {
        channel.finishAndReleaseAll();
    }
}
