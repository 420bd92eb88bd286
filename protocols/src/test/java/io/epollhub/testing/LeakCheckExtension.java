package io.epollhub.testing;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.util.ResourceLeakDetector;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Fails a test class when Netty reported a buffer leak while it ran. Registered for every test class
 * through the service loader ({@code junit.jupiter.extensions.autodetection.enabled}).
 *
 * <p>Netty only notices a leak when a leaked buffer is garbage collected and a later allocation polls
 * the detector's queue, so the check collects garbage and allocates a few times before it looks.
 */
public final class LeakCheckExtension implements BeforeAllCallback, AfterAllCallback {

    @Override
    public void beforeAll(ExtensionContext context) {
        if (System.getProperty("io.netty.customResourceLeakDetector") == null) {
            return; // run outside the build (an IDE): nothing to check against
        }
        assertEquals(ResourceLeakDetector.Level.PARANOID, ResourceLeakDetector.getLevel(),
                "tests must run with -Dio.netty.leakDetection.level=paranoid");
        if (!RecordingLeakDetector.installed()) {
            fail("tests must run with -Dio.netty.customResourceLeakDetector=" + RecordingLeakDetector.class.getName());
        }
        RecordingLeakDetector.drain();
    }

    @Override
    public void afterAll(ExtensionContext context) throws InterruptedException {
        if (!RecordingLeakDetector.installed()) {
            return;
        }
        List<String> leaks = collect();
        if (!leaks.isEmpty()) {
            fail(leaks.size() + " buffer leak(s) reported while " + context.getDisplayName() + " ran:\n"
                    + String.join("\n", leaks));
        }
    }

    static List<String> collect() throws InterruptedException {
        for (int round = 0; round < 3; round++) {
            System.gc();
            Thread.sleep(50);
            poll(PooledByteBufAllocator.DEFAULT.buffer(1));
            poll(PooledByteBufAllocator.DEFAULT.directBuffer(1));
            poll(UnpooledByteBufAllocator.DEFAULT.buffer(1));
            poll(UnpooledByteBufAllocator.DEFAULT.directBuffer(1));
        }
        return RecordingLeakDetector.drain();
    }

    private static void poll(ByteBuf buf) {
        buf.release();
    }
}
