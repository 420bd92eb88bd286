package io.epollhub.http;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.util.concurrent.EventExecutor;

import java.io.RandomAccessFile;

/**
 * How a route answers its one request, from any thread: calls are carried to the connection's event loop.
 * Only the first answer counts.
 */
final class Reply {

    private final HttpServerHandler connection;
    private final ChannelHandlerContext ctx;
    final HttpRequest request;
    final String route;
    /** {@link System#nanoTime()} when the request's head was read. */
    final long startNanos;

    Reply(HttpServerHandler connection, ChannelHandlerContext ctx, HttpRequest request, String route, long startNanos) {
        this.connection = connection;
        this.ctx = ctx;
        this.request = request;
        this.route = route;
        this.startNanos = startNanos;
    }

    void send(FullHttpResponse response) {
        onLoop(() -> connection.respond(this, response, null, 0, 0));
    }

    /** Every hello goes through here: on the event loop it calls straight through, with no task allocated. */
    void send(PreEncodedResponse response) {
        if (ctx.executor().inEventLoop()) {
            connection.respond(this, response);
        } else {
            ctx.executor().execute(() -> connection.respond(this, response));
        }
    }

    /** Sends {@code head}, then {@code length} bytes of {@code file} from {@code offset}; the file is closed after. */
    void sendFile(HttpResponse head, RandomAccessFile file, long offset, long length) {
        onLoop(() -> connection.respond(this, head, file, offset, length));
    }

    /** A failure inside the route: 500 if nothing was sent yet, then the connection closes. */
    void fail(Throwable cause) {
        onLoop(() -> connection.fail(this, cause));
    }

    /** Stops (or resumes) reading this connection, for routes whose body consumer falls behind. */
    void pauseReading(boolean pause) {
        onLoop(() -> connection.pauseForExchange(this, pause));
    }

    EventExecutor executor() {
        return ctx.executor();
    }

    private void onLoop(Runnable task) {
        if (ctx.executor().inEventLoop()) {
            task.run();
        } else {
            ctx.executor().execute(task);
        }
    }
}
