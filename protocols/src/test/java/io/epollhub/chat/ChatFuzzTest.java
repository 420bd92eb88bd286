package io.epollhub.chat;

import io.epollhub.testing.Fuzz;
import io.netty.channel.DefaultChannelId;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.concurrent.ImmediateEventExecutor;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Seeded random input from one chat client: commands with and without arguments, text in several scripts, telnet
 * negotiation, terminal escapes and other controls, malformed UTF-8, lines over the limit, bare CRs and NULs,
 * written in pieces of random size. No exception may leave the pipeline, every line anyone receives must be a
 * whole line of the chat's own kinds with no control characters, the other member must stay connected, and
 * nothing may leak (the leak detector runs at paranoid).
 */
class ChatFuzzTest {

    /** {@code -Dfuzz.cases=N} for a longer run, {@code -Dfuzz.seed=N} to rerun one case. */
    private static final Fuzz.Seeds SEEDS = Fuzz.Seeds.of(2000);
    private static final ChatSettings SETTINGS = new ChatSettings(64, 10, 4096, Duration.ZERO, 0);
    private static final List<byte[]> TOKENS = List.of(
            ascii("hello"), ascii(" "), ascii("\t"), ascii("/nick "), ascii("/nick"), ascii("/me "), ascii("/who"),
            ascii("/help"), ascii("/quit"), ascii("//"), ascii("/"), ascii("/xyz"), ascii("\n"), ascii("\r\n"),
            ascii("\r"), ascii("\0"), ascii("\u001b[2J"), ascii("\u0007"), ascii("\u007f"), ascii("guest-2"),
            ascii("-_09az"), "héllo ✓ 日本 🙂".getBytes(StandardCharsets.UTF_8), "\u009b31m".getBytes(StandardCharsets.UTF_8),
            bytes(0xff, 0xfb, 0x01), bytes(0xff, 0xfd, 0x03), bytes(0xff, 0xf4), bytes(0xff, 0xff), bytes(0xff),
            bytes(0xff, 0xfa, 0x18, 0x00, 0x78, 0xff, 0xf0), bytes(0xc3), bytes(0xe2, 0x82), bytes(0xf0, 0x9f, 0x99),
            bytes(0xed, 0xa0, 0x80), bytes(0xc0, 0xaf));
    /** The chat's own line kinds: a notice or answer, an error, a member's line. */
    private static final Pattern LINE = Pattern.compile("(\\* |! |\\[[A-Za-z0-9_-]{1,32}\\] ).*");

    @Test
    void randomInputGetsOnlyWholeCleanLinesAndHarmsNobodyElse() {
        int lines = 0;
        for (int seed = SEEDS.first(); seed <= SEEDS.last(); seed++) {
            Random random = new Random(seed);
            byte[] input = input(random);
            String what = "case " + seed + ": " + new String(input, StandardCharsets.ISO_8859_1);
            ChatRoom room = new ChatRoom(ImmediateEventExecutor.INSTANCE, SETTINGS.maxClients());
            EmbeddedChannel fuzzed = connect(room);
            EmbeddedChannel other = connect(room);
            try {
                Fuzz.feed(fuzzed, input, random, 32, what);
                for (EmbeddedChannel client : List.of(fuzzed, other)) {
                    for (String line : ChatServerHandlerTest.lines(client)) {
                        assertTrue(LINE.matcher(line).matches(), "not a chat line: " + line + "\n" + what);
                        assertEquals(ChatText.clean(line), line, "control characters in: " + line + "\n" + what);
                        assertTrue(line.getBytes(StandardCharsets.UTF_8).length <= 4096, what);
                        lines++;
                    }
                }
                assertTrue(other.isOpen(), "the other member was cut, " + what);
            } finally {
                fuzzed.finishAndReleaseAll();
                other.finishAndReleaseAll();
            }
        }
        assertTrue(!SEEDS.all() || lines > SEEDS.count() * 3, lines + " lines: the input must reach the room, not just its limits");
    }

    @Test
    void theSameSeedMakesTheSameInput() {
        assertEquals(new String(input(new Random(7)), StandardCharsets.ISO_8859_1),
                new String(input(new Random(7)), StandardCharsets.ISO_8859_1));
    }

    /** Up to 60 tokens, sometimes with a long run of one letter, usually ending in a line ending. */
    private static byte[] input(Random random) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int tokens = 1 + random.nextInt(60); tokens > 0; tokens--) {
            if (random.nextInt(20) == 0) {
                out.writeBytes(ascii("x".repeat(random.nextInt(100))));
            } else if (random.nextInt(30) == 0) {
                out.write(random.nextInt(256));
            } else {
                out.writeBytes(TOKENS.get(random.nextInt(TOKENS.size())));
            }
        }
        if (random.nextInt(4) != 0) {
            out.writeBytes(ascii("\n"));
        }
        return out.toByteArray();
    }

    /** Each client needs its own id: a {@code ChannelGroup} keys its members by id. Greeting read and dropped. */
    private static EmbeddedChannel connect(ChatRoom room) {
        EmbeddedChannel client = new EmbeddedChannel(DefaultChannelId.newInstance(), new ChatServerInitializer(room, SETTINGS));
        ChatServerHandlerTest.lines(client);
        return client;
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static byte[] bytes(int... values) {
        byte[] b = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            b[i] = (byte) values[i];
        }
        return b;
    }
}
