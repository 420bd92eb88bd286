package io.epollhub.bench;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

import java.util.concurrent.atomic.LongAdder;

/** Counters and the delivery-latency histogram, shared by every connection's event loop. */
final class LoadStats {

    private final Recorder latencies = new Recorder(3);
    private final LongAdder sent = new LongAdder();
    private final LongAdder delivered = new LongAdder();
    private final LongAdder received = new LongAdder();
    private volatile boolean measuring;

    void sent() {
        sent.increment();
    }

    /** A receiver got a message stamped {@code sentNanos} (this JVM's {@link System#nanoTime}). */
    void delivered(long sentNanos) {
        if (measuring) {
            delivered.increment();
            latencies.recordValue(Math.max(0, System.nanoTime() - sentNanos));
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
        delivered.reset();
        latencies.reset();
        measuring = true;
    }

    /** Ends the window and returns what it saw. */
    Snapshot stop() {
        measuring = false;
        return new Snapshot(sent.sum(), delivered.sum(), latencies.getIntervalHistogram());
    }

    record Snapshot(long sent, long delivered, Histogram latencyNanos) {
    }
}
