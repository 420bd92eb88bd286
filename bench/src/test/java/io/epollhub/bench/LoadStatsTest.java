package io.epollhub.bench;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class LoadStatsTest {

    @Test
    void deliveriesFromEveryThreadAreAddedUpAndOnlyTheWindowCounts() throws InterruptedException {
        LoadStats stats = new LoadStats(List.of());
        Thread before = new Thread(() -> stats.delivered(0, 5)); // before the window: dropped
        before.start();
        before.join();
        stats.startMeasuring();
        List<Thread> writers = new ArrayList<>();
        for (int t = 1; t <= 3; t++) {
            long latency = t * 1_000_000L;
            writers.add(new Thread(() -> {
                for (int i = 0; i < 10_000; i++) {
                    stats.delivered(100, 100 + latency);
                }
            }));
        }
        writers.forEach(Thread::start);
        for (Thread writer : writers) {
            writer.join();
        }
        LoadStats.Snapshot seen = stats.stop();
        assertEquals(30_000, seen.delivered());
        assertEquals(10_000, seen.latencyNanos().getCountAtValue(2_000_000));
        assertEquals(3_000_000, seen.latencyNanos().getMaxValue(), 3_000_000 / 1000.0);
        stats.delivered(0, 1); // after the window: dropped
        stats.startMeasuring();
        assertEquals(0, stats.stop().delivered());
    }
}
