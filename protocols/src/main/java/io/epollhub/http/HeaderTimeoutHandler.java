package io.epollhub.http;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.concurrent.ScheduledFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.TimeUnit;

/**
 * Slowloris defence: a request head must be complete within the timeout of the connection's start or of the
 * first byte after the previous request. Sits behind the decoder: a read batch that yields no request head
 * while one is awaited means head bytes are trickling in. On time-out: 408 if nothing was answered on the
 * connection yet, then close.
 */
final class HeaderTimeoutHandler extends ChannelDuplexHandler {

    private static final Logger log = LoggerFactory.getLogger(HeaderTimeoutHandler.class);

    private final long timeoutNanos;
    private ScheduledFuture<?> timer;
    private boolean awaitingHead = true;
    private boolean headInBatch;
    private boolean answered;

    HeaderTimeoutHandler(long timeoutNanos) {
        this.timeoutNanos = timeoutNanos;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        arm(ctx);
        super.channelActive(ctx);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
        if (msg instanceof HttpRequest) {
            awaitingHead = false;
            headInBatch = true;
            disarm();
        }
        if (msg instanceof LastHttpContent) {
            awaitingHead = true;
        }
        super.channelRead(ctx, msg);
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) throws Exception {
        if (awaitingHead && !headInBatch && timer == null) {
            arm(ctx);
        }
        headInBatch = false;
        super.channelReadComplete(ctx);
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) throws Exception {
        if (msg instanceof HttpResponse response && response.status().codeClass() != io.netty.handler.codec.http.HttpStatusClass.INFORMATIONAL) {
            answered = true;
        }
        super.write(ctx, msg, promise);
    }

    private void arm(ChannelHandlerContext ctx) {
        timer = ctx.executor().schedule(() -> expire(ctx), timeoutNanos, TimeUnit.NANOSECONDS);
    }

    private void disarm() {
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
    }

    private void expire(ChannelHandlerContext ctx) {
        timer = null;
        log.debug("{} request head not complete in time, closing", ctx.channel().remoteAddress());
        if (answered) {
            ctx.close();
        } else {
            ctx.writeAndFlush(Responses.status(HttpVersion.HTTP_1_1, HttpResponseStatus.REQUEST_TIMEOUT))
                    .addListener(ChannelFutureListener.CLOSE);
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        disarm();
        super.channelInactive(ctx);
    }
}
