package io.epollhub.bench;

import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.FastThreadLocal;
import org.HdrHistogram.Histogram;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counters and the delivery-latency histogram, written by every connection's event loop. Each thread records
 * into a plain histogram of its own, added up when the window ends: one shared histogram made the event loops
 * fight over its counters' cache lines at millions of deliveries a second, until that, not the server, limited
 * the run. The window's end waits for each event loop to finish what it is recording.
 */
final class LoadStats {

    private final Iterable<? extends EventExecutor> loops;
    private final Queue<ThreadHistogram> histograms = new ConcurrentLinkedQueue<>();
    private final FastThreadLocal<ThreadHistogram> histogram = new FastThreadLocal<>() {
        @Override
        protected ThreadHistogram initialValue() {
            ThreadHistogram mine = new ThreadHistogram();
            histograms.add(mine);
            return mine;
        }
    };
    private final LongAdder sent = new LongAdder();
    private final LongAdder received = new LongAdder();
    /** The measured window's number, 0 between windows; a thread's histogram starts afresh in each. */
    private volatile int window;
    private int windows;

    /** @param loops the executors whose threads record (those that call {@link #delivered}), waited for at the end */
    LoadStats(Iterable<? extends EventExecutor> loops) {
        this.loops = loops;
    }

    void sent() {
        sent.increment();
    }

    /**
     * A receiver got a message stamped {@code sentNanos} in a read made at {@code readNanos} (both this JVM's
     * {@link System#nanoTime}); one clock reading serves every message of a read, which arrived together.
     */
    void delivered(long sentNanos, long readNanos) {
        int current = window;
        if (current != 0) {
            ThreadHistogram mine = histogram.get();
            if (mine.window != current) {
                mine.latencies.reset();
                mine.window = current;
            }
            mine.latencies.recordValue(Math.max(0, readNanos - sentNanos));
        }
    }

    /** A connection read {@code bytes}: messages, notices, welcomes, replies. */
    void received(int bytes) {
        received.add(bytes);
    }

    /** Bytes read by every connection so far, to tell when the server has gone quiet. */
    long receivedBytes() {
        return received.sum();
    }

    /** Starts the measured window: what came before (connecting, warm-up) is dropped. */
    void startMeasuring() {
        sent.reset();
        window = ++windows;
    }

    /** Ends the window and returns what it saw. */
    Snapshot stop() {
        int ended = window;
        window = 0;
        for (EventExecutor loop : loops) {
            loop.submit(() -> { }).syncUninterruptibly(); // what it was recording is done, and visible here
        }
        Histogram latencies = new Histogram(3);
        for (ThreadHistogram h : histograms) {
            if (h.window == ended) {
                latencies.add(h.latencies);
            }
        }
        return new Snapshot(sent.sum(), latencies.getTotalCount(), latencies);
    }

    private static final class ThreadHistogram {
        final Histogram latencies = new Histogram(3);
        int window;
    }

    record Snapshot(long sent, long delivered, Histogram latencyNanos) {
    }
}
