package io.epollhub.chat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.ChannelPromise;
import io.netty.channel.EventLoop;
import io.netty.util.AttributeKey;

import java.util.ArrayList;
import java.util.List;

/**
 * Everything a member is sent, gathered into one buffer and written once per event-loop pass. Broadcasts reach a
 * member one line at a time; a write and a flush for each line (an outbound-buffer entry, a duplicate, a share of
 * a {@code writev}) made a delivery cost about five times the CPU it costs gathered (bench/README.md). Redis does
 * the same with a subscriber's reply buffer. Replies to the member itself go through here too, so that it hears
 * everything in the order it happened on its event loop.
 *
 * <p>A broadcast line of {@value #SHARE_AT} bytes or more is not copied: the member gets a duplicate of the one
 * encoded line, written behind what was gathered and flushed with the pass. Copying costs grow with the line and
 * sharing's do not, and a room's stalled members then hold one line between them, not a copy each.
 *
 * <p>The slow-consumer limit counts what waits here as well as what the socket has not taken: before a line
 * would take the sum of the two past {@code maxPending}, what is gathered is written first, and a member still
 * holding more than {@code maxPending} bytes unwritten after a write is cut. A member that reads what it is sent
 * is never cut, however large one write is.
 *
 * <p>Touched only on the member's event loop.
 */
final class ChatOutbox {

    private static final AttributeKey<ChatOutbox> OUTBOX = AttributeKey.valueOf(ChatOutbox.class, "outbox");

    /** Gathered output is written at once past this many bytes, rather than at the end of the pass. */
    static final int WRITE_AT = 16 * 1024;
    /** Broadcast lines this long or longer are shared rather than copied. */
    static final int SHARE_AT = 1024;
    private static final int INITIAL_CAPACITY = 256;

    private final Channel channel;
    private final ChatRoom room;
    private final Writer writer;
    private final int maxPending;
    private ByteBuf gathered;
    /**
     * How many bytes {@link #gathered} may hold before it is written: the lesser of {@link #WRITE_AT} and what the
     * limit left when gathering began. Only this outbox adds to what the socket has not taken, so while it gathers
     * that can only shrink, and the budget errs on the safe side.
     */
    private long budget;
    /** How much the last write carried: the next buffer starts that large, not growing a line at a time. */
    private int lastWrite = INITIAL_CAPACITY;
    /** Something was written (a shared line) and not yet flushed. */
    private boolean unflushed;
    private boolean queued;
    private boolean closed;

    private ChatOutbox(Channel channel, ChatRoom room, Writer writer, int maxPending) {
        this.channel = channel;
        this.room = room;
        this.writer = writer;
        this.maxPending = maxPending;
    }

    /** Gives {@code channel} its outbox, written by {@code writer} (one per event loop and room). */
    static ChatOutbox open(Channel channel, ChatRoom room, Writer writer, int maxPending) {
        ChatOutbox outbox = new ChatOutbox(channel, room, writer, maxPending);
        channel.attr(OUTBOX).set(outbox);
        return outbox;
    }

    static ChatOutbox of(Channel channel) {
        return channel.attr(OUTBOX).get();
    }

    Channel channel() {
        return channel;
    }

    /** Adds {@code line} and its CRLF. */
    void add(String line) {
        int size = ByteBufUtil.utf8MaxBytes(line) + 2;
        if (reserve(size)) {
            ByteBufUtil.writeUtf8(gathered, line);
            gathered.writeByte('\r').writeByte('\n');
        }
    }

    /**
     * Adds {@code line}'s readable bytes (already encoded by {@link ChatLines}): a copy, or from {@link #SHARE_AT}
     * bytes a retained duplicate; leaves its indices and its count alone.
     */
    void add(ByteBuf line) {
        int size = line.readableBytes();
        if (size < SHARE_AT) {
            if (reserve(size)) {
                gathered.writeBytes(line, line.readerIndex(), size);
            }
            return;
        }
        if (closed) {
            return;
        }
        // Taken before writing: a write may run the loop's tasks (EmbeddedChannel's does), this outbox's writer too.
        ByteBuf before = gathered;
        gathered = null;
        if (before != null) {
            channel.write(before, channel.voidPromise());
        }
        channel.write(line.retainedDuplicate(), channel.voidPromise());
        unflushed = true;
        queue();
        if (roomBeforeLimit() < 0) {
            write(channel.voidPromise()); // flushes, and cuts the member if the socket takes too little of it
        }
    }

    /** Makes room for {@code size} more bytes, writing what is gathered first if it has to; false once closed. */
    private boolean reserve(int size) {
        if (closed) {
            return false;
        }
        if (gathered != null && gathered.readableBytes() + size > budget) {
            write(channel.voidPromise());
            if (closed) {
                return false;
            }
        }
        if (gathered == null) {
            gathered = channel.alloc().ioBuffer(Math.max(size, lastWrite));
            budget = Math.min(WRITE_AT, roomBeforeLimit());
            queue();
        }
        return true;
    }

    private void queue() {
        if (!queued) {
            queued = true;
            writer.queue(this);
        }
    }

    /** {@code maxPending} less what the socket has not taken yet: below 0 past the limit; 0 once closed. */
    private long roomBeforeLimit() {
        ChannelOutboundBuffer unwritten = channel.unsafe().outboundBuffer();
        return unwritten == null ? 0 : maxPending - unwritten.totalPendingWriteBytes();
    }

    /**
     * Writes what is gathered and flushes now, completing {@code promise} when everything before it is written (at
     * once when nothing waits), then cuts the member if more than {@code maxPending} bytes are still unwritten.
     */
    ChannelFuture write(ChannelPromise promise) {
        ByteBuf out = gathered;
        gathered = null;
        if (out == null && !unflushed) {
            return promise.isVoid() ? promise : promise.setSuccess();
        }
        unflushed = false;
        if (out != null) {
            lastWrite = Math.max(INITIAL_CAPACITY, Math.min(out.readableBytes(), WRITE_AT));
            channel.writeAndFlush(out, promise);
        } else if (promise.isVoid()) {
            channel.flush(); // only shared lines wait
        } else {
            channel.writeAndFlush(Unpooled.EMPTY_BUFFER, promise); // completes once the shared lines are written
        }
        if (roomBeforeLimit() < 0 && !closed) {
            closed = true;
            room.cutSlowConsumer(channel, maxPending);
        }
        return promise;
    }

    /** Once the channel is closed: drops what is gathered and anything added later. */
    void close() {
        closed = true;
        if (gathered != null) {
            gathered.release();
            gathered = null;
        }
    }

    /**
     * Writes the outboxes that gathered something, once per pass of one event loop: the first line an outbox
     * gathers queues it here, and the first outbox queued schedules the write as the loop's next task, behind the
     * broadcasts already waiting, so a flood is gathered into as few writes as the loop's backlog allows.
     */
    static final class Writer implements Runnable {
        private final EventLoop loop;
        private final List<ChatOutbox> queued = new ArrayList<>();

        Writer(EventLoop loop) {
            this.loop = loop;
        }

        void queue(ChatOutbox outbox) {
            if (queued.isEmpty()) {
                loop.execute(this);
            }
            queued.add(outbox);
        }

        @Override
        public void run() {
            // By index: writing one outbox can make another gather (a cut member's leave, on a room run inline).
            for (int i = 0; i < queued.size(); i++) {
                ChatOutbox outbox = queued.get(i);
                outbox.queued = false;
                outbox.write(outbox.channel.voidPromise());
            }
            queued.clear();
        }
    }
}
