package io.epollhub.bench;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.CharsetUtil;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A receiver finds every stamp in what it reads, whatever frames it and wherever the reads cut it. */
class LoadClientHandlerTest {

    @Test
    void countsEveryStampInEpollhubLinesAndRedisMessagesCutAtEveryByte() {
        long stamp = System.nanoTime();
        String payload = LoadClientHandler.MARKER + stamp + " 7 xxxxxxxx";
        String epollhub = "* guest-2 joined\n[guest-1] " + payload + "\n[guest-1] " + payload + "\n";
        ByteBuf resp = Target.command(UnpooledByteBufAllocator.DEFAULT, "message", Target.CHANNEL, payload);
        String redis = ":1\r\n" + resp.toString(CharsetUtil.US_ASCII) + resp.toString(CharsetUtil.US_ASCII);
        resp.release();
        for (String bytes : new String[] {epollhub, redis}) {
            for (int cut = 0; cut <= bytes.length(); cut++) {
                LoadStats.Snapshot seen = receive(bytes.substring(0, cut), bytes.substring(cut));
                assertEquals(2, seen.delivered(), "cut at " + cut + " of " + bytes);
                assertTrue(seen.latencyNanos().getMaxValue() < TimeUnit.MINUTES.toNanos(1),
                        "a stamp read whole, not a piece of it: " + seen.latencyNanos().getMaxValue());
            }
        }
    }

    @Test
    void aTildeThatStartsNoStampIsSkipped() {
        LoadStats.Snapshot seen = receive("~x 12 ~m  ~m", " " + System.nanoTime() + " 1 pad\n");
        assertEquals(1, seen.delivered());
    }

    private static LoadStats.Snapshot receive(String... reads) {
        LoadStats stats = new LoadStats(List.of());
        stats.startMeasuring();
        EmbeddedChannel channel = new EmbeddedChannel(new LoadClientHandler(Target.REDIS, stats, false, true, 0, 64));
        for (String read : reads) {
            channel.writeInbound(Unpooled.copiedBuffer(read, CharsetUtil.US_ASCII));
        }
        channel.finishAndReleaseAll();
        return stats.stop();
    }
}
