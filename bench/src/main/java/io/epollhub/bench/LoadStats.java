package io.epollhub.bench;

import io.netty.util.concurrent.FastThreadLocal;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.SingleWriterRecorder;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counters and the delivery-latency histogram, written by every connection's event loop. Each thread records
 * into a histogram of its own, added up when the window ends: one shared histogram made the event loops fight over
 * its counters' cache lines at millions of deliveries a second, until that, not the server, limited the run.
 */
final class LoadStats {

    private final Queue<SingleWriterRecorder> recorders = new ConcurrentLinkedQueue<>();
    private final FastThreadLocal<SingleWriterRecorder> recorder = new FastThreadLocal<>() {
        @Override
        protected SingleWriterRecorder initialValue() {
            SingleWriterRecorder mine = new SingleWriterRecorder(3);
            recorders.add(mine);
            return mine;
        }
    };
    private final LongAdder sent = new LongAdder();
    private final LongAdder received = new LongAdder();
    private volatile boolean measuring;

    void sent() {
        sent.increment();
    }

    /**
     * A receiver got a message stamped {@code sentNanos} in a read made at {@code readNanos} (both this JVM's
     * {@link System#nanoTime}); one clock reading serves every message of a read, which arrived together.
     */
    void delivered(long sentNanos, long readNanos) {
        if (measuring) {
            recorder.get().recordValue(Math.max(0, readNanos - sentNanos));
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
        recorders.forEach(SingleWriterRecorder::reset);
        measuring = true;
    }

    /** Ends the window and returns what it saw. */
    Snapshot stop() {
        measuring = false;
        Histogram latencies = new Histogram(3);
        recorders.forEach(r -> latencies.add(r.getIntervalHistogram()));
        return new Snapshot(sent.sum(), latencies.getTotalCount(), latencies);
    }

    record Snapshot(long sent, long delivered, Histogram latencyNanos) {
    }
}
