package io.epollhub.bench;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.util.ByteProcessor;
import io.netty.util.concurrent.ScheduledFuture;

import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One load-generator connection. A receiver subscribes (Redis) or simply joins (epollhub) and times every
 * stamped message it reads; a sender also publishes stamped messages, at a fixed rate or as fast as the
 * connection stays writable.
 *
 * <p>A receiver does not frame what it reads: it scans the bytes for the stamp, whatever surrounds it. Framing
 * would cost it one line per epollhub message but seven per Redis message (RESP's {@code *3}, {@code $7},
 * {@code message}, {@code $4}, {@code room}, the payload's length and the payload); on a machine the load
 * generator shares with the server, that extra work, not Redis, limited the Redis runs.
 */
final class LoadClientHandler extends ByteToMessageDecoder {

    /** Marks a stamped message inside any line: {@code ~m <nanoTime> <seq> <padding>}. */
    static final String MARKER = "~m ";

    private final Target target;
    private final LoadStats stats;
    private final boolean sender;
    private final boolean receiver;
    private final double ratePerSecond;
    private final String padding;
    private volatile boolean running;
    private ChannelHandlerContext ctx;
    private volatile boolean readied;
    private long seq;
    private double credit;
    private ScheduledFuture<?> ticker;
    /** The digits of the stamp being read, parsed in the same pass that finds where they end. */
    private long stamp;
    private final ByteProcessor stampDigits = b -> {
        if (b < '0' || b > '9') {
            return false;
        }
        stamp = stamp * 10 + (b - '0');
        return true;
    };

    LoadClientHandler(Target target, LoadStats stats, boolean sender, boolean receiver, double ratePerSecond, int size) {
        this.target = target;
        this.stats = stats;
        this.sender = sender;
        this.receiver = receiver;
        this.ratePerSecond = ratePerSecond;
        this.padding = "x".repeat(Math.max(1, size - 40));
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        if (receiver) {
            ByteBuf subscribe = target.subscribe(ctx.alloc());
            if (subscribe != null) {
                ctx.writeAndFlush(subscribe);
            }
        } else {
            readied = true;
        }
        ctx.fireChannelActive();
    }

    /** Starts publishing, from any thread (senders only). */
    void startSending() {
        ctx.executor().execute(() -> {
            running = true;
            if (ratePerSecond > 0) {
                ticker = ctx.executor().scheduleAtFixedRate(() -> tick(ctx), 1, 1, TimeUnit.MILLISECONDS);
            } else {
                pump(ctx);
            }
        });
    }

    void stopSending() {
        running = false;
        ctx.executor().execute(() -> {
            if (ticker != null) {
                ticker.cancel(false);
            }
        });
    }

    private void tick(ChannelHandlerContext ctx) {
        credit = Math.min(credit + ratePerSecond / 1000, Math.max(1, ratePerSecond / 100));
        boolean wrote = false;
        while (running && credit >= 1 && ctx.channel().isWritable()) {
            publish(ctx);
            credit -= 1;
            wrote = true;
        }
        if (wrote) {
            ctx.flush();
        }
    }

    /** As fast as possible: write while writable, a bounded batch per task so the loop stays fair. */
    private void pump(ChannelHandlerContext ctx) {
        int batch = 0;
        while (running && ctx.channel().isWritable() && batch++ < 128) {
            publish(ctx);
        }
        ctx.flush();
        if (running && ctx.channel().isWritable()) {
            ctx.executor().execute(() -> pump(ctx));
        }
    }

    private void publish(ChannelHandlerContext ctx) {
        String payload = MARKER + System.nanoTime() + " " + seq++ + " " + padding;
        ctx.write(target.publish(ctx.alloc(), payload), ctx.voidPromise());
        stats.sent();
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (sender && running && ticker == null && ctx.channel().isWritable()) {
            pump(ctx); // as fast as possible resumes once the socket drains
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
        if (!readied) {
            readied = true; // a volatile read per read, a write only for the first
        }
        if (msg instanceof ByteBuf bytes) {
            stats.received(bytes.readableBytes());
        }
        super.channelRead(ctx, msg);
    }

    /**
     * Records every whole stamp in what has arrived and consumes up to the last; a stamp cut off at the end of
     * the bytes waits for the rest (the decoder keeps it). Everything else is skipped unread.
     */
    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (!receiver) {
            in.skipBytes(in.readableBytes());
            return;
        }
        long now = System.nanoTime();
        while (in.isReadable()) {
            int at = in.indexOf(in.readerIndex(), in.writerIndex(), (byte) '~');
            if (at < 0) {
                in.skipBytes(in.readableBytes());
                return;
            }
            int digits = at + MARKER.length();
            if (digits >= in.writerIndex()) {
                in.readerIndex(at); // the marker itself is cut off
                return;
            }
            if (in.getByte(at + 1) != 'm' || in.getByte(at + 2) != ' ') {
                in.readerIndex(at + 1);
                continue;
            }
            stamp = 0;
            int end = in.forEachByte(digits, in.writerIndex() - digits, stampDigits);
            if (end < 0) {
                in.readerIndex(at); // the digits may go on in the next read
                return;
            }
            if (end == digits) {
                in.readerIndex(at + 1); // a marker without a stamp: not one of ours
                continue;
            }
            stats.delivered(stamp, now);
            in.readerIndex(end);
        }
    }

    /**
     * Whether this connection is ready to measure, from any thread: a receiver once the server has spoken to it
     * (epollhub's welcome, Redis's subscription confirmed), a sender once connected.
     */
    boolean isReady() {
        return readied;
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close();
    }
}
