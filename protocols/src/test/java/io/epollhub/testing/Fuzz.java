package io.epollhub.testing;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.fail;

/** What the seeded fuzz tests share: which cases run, and how an input reaches the pipeline. */
public final class Fuzz {

    private Fuzz() {
    }

    /**
     * The seeds to run: 1 to {@code -Dfuzz.cases} (the test's own count by default), or only the one
     * {@code -Dfuzz.seed} names, to rerun a failed case.
     */
    public record Seeds(int first, int last, boolean all) {

        public static Seeds of(int defaultCases) {
            Integer only = Integer.getInteger("fuzz.seed");
            return only == null ? new Seeds(1, Integer.getInteger("fuzz.cases", defaultCases), true)
                    : new Seeds(only, only, false);
        }

        public int count() {
            return last - first + 1;
        }
    }

    /**
     * Writes {@code input} into the channel in pieces of 1 to {@code maxPiece} bytes, running what falls due after
     * each, until it is all in or the channel closes; fails naming {@code what} if an exception leaves the pipeline.
     */
    public static void feed(EmbeddedChannel channel, byte[] input, Random random, int maxPiece, String what) {
        for (int at = 0; at < input.length && channel.isOpen(); ) {
            int piece = 1 + random.nextInt(Math.min(maxPiece, input.length - at));
            try {
                channel.writeInbound(Unpooled.wrappedBuffer(input, at, piece));
                channel.runPendingTasks();
                channel.checkException();
            } catch (Throwable e) {
                fail("an exception left the pipeline, " + what, e);
            }
            at += piece;
        }
    }
}
