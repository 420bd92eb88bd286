package io.epollhub.testing;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The leak check itself: a buffer dropped without release must be reported. */
class LeakCheckSelfTest {

    @Test
    void droppedBufferIsReported() throws InterruptedException {
        assumeTrue(RecordingLeakDetector.installed(), "leak detector not installed (run through Maven)");
        leakOne();
        List<String> leaks = LeakCheckExtension.collect();
        assertFalse(leaks.isEmpty(), "a dropped buffer was not reported");
        assertTrue(leaks.get(0).startsWith("LEAK: ByteBuf"), leaks.get(0));
    }

    private static void leakOne() {
        ByteBuf buf = PooledByteBufAllocator.DEFAULT.directBuffer(64);
        buf.writeLong(42);
        // dropped on purpose
    }
}
