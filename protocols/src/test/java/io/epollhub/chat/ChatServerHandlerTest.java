package io.epollhub.chat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.DefaultChannelId;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.CharsetUtil;
import io.netty.util.concurrent.ImmediateEventExecutor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

class ChatServerHandlerTest {

    private static final int MAX_LINE = 64;

    private final ChatRoom room = new ChatRoom(ImmediateEventExecutor.INSTANCE);
    private final List<EmbeddedChannel> clients = new ArrayList<>();

    @AfterEach
    void closeAll() {
        for (EmbeddedChannel client : clients) {
            client.finishAndReleaseAll();
            assertFalse(client.isOpen());
        }
    }

    /** Each client needs its own id: a {@code ChannelGroup} keys its members by id. */
    private EmbeddedChannel connect() {
        EmbeddedChannel client = new EmbeddedChannel(DefaultChannelId.newInstance(), new ChatServerInitializer(room, MAX_LINE));
        clients.add(client);
        return client;
    }

    static Stream<Arguments> broadcasts() {
        return Stream.of(
                Arguments.of("hello\n", "[guest-1] hello"),
                Arguments.of("hello\r\n", "[guest-1] hello"),
                Arguments.of("two words  spaced\n", "[guest-1] two words  spaced"),
                Arguments.of("héllo wörld ✓\n", "[guest-1] héllo wörld ✓"),
                Arguments.of("bad \u0000utf8\n", "[guest-1] bad \u0000utf8"),
                Arguments.of("x".repeat(MAX_LINE) + "\n", "[guest-1] " + "x".repeat(MAX_LINE)));
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource("broadcasts")
    void aLineReachesEveryoneButItsSender(String sent, String expected) {
        EmbeddedChannel a = connect();
        EmbeddedChannel b = connect();
        EmbeddedChannel c = connect();
        a.writeInbound(utf8(sent));
        assertEquals(List.of(expected), lines(b));
        assertEquals(List.of(expected), lines(c));
        assertEquals(List.of(), lines(a));
    }

    @Test
    void invalidUtf8BecomesReplacementCharacters() {
        EmbeddedChannel a = connect();
        EmbeddedChannel b = connect();
        a.writeInbound(Unpooled.wrappedBuffer(new byte[] {'o', 'k', (byte) 0xC3, (byte) 0x28, (byte) 0xFF, '\n'}));
        assertEquals(List.of("[guest-1] ok\uFFFD(\uFFFD"), lines(b));
    }

    @Test
    void emptyLinesAreIgnored() {
        EmbeddedChannel a = connect();
        EmbeddedChannel b = connect();
        a.writeInbound(utf8("\n\r\n\n"));
        assertEquals(List.of(), lines(b));
    }

    @Test
    void aLineSplitAcrossWritesArrivesWhole() {
        EmbeddedChannel a = connect();
        EmbeddedChannel b = connect();
        a.writeInbound(utf8("hel"));
        a.writeInbound(utf8("lo wo"));
        assertEquals(List.of(), lines(b));
        a.writeInbound(utf8("rld\r"));
        a.writeInbound(utf8("\nsecond\n"));
        assertEquals(List.of("[guest-1] hello world", "[guest-1] second"), lines(b));
    }

    @Test
    void anOverLongLineIsRefusedAndTheConnectionGoesOn() {
        EmbeddedChannel a = connect();
        EmbeddedChannel b = connect();
        a.writeInbound(utf8("y".repeat(MAX_LINE + 1)));
        a.writeInbound(utf8("y".repeat(200) + "\nafter\n"));
        assertEquals(List.of("! line too long (max 64 bytes)"), lines(a));
        assertEquals(List.of("[guest-1] after"), lines(b));
        assertEquals(2, room.size());
    }

    @Test
    void everyClientGetsItsOwnGuestNick() {
        EmbeddedChannel a = connect();
        EmbeddedChannel b = connect();
        EmbeddedChannel c = connect();
        c.writeInbound(utf8("from c\n"));
        b.writeInbound(utf8("from b\n"));
        assertEquals(List.of("[guest-3] from c", "[guest-2] from b"), lines(a));
    }

    @Test
    void closedClientsLeaveTheRoom() {
        EmbeddedChannel a = connect();
        EmbeddedChannel b = connect();
        assertEquals(2, room.size());
        b.close();
        assertEquals(1, room.size());
        a.writeInbound(utf8("anyone?\n"));
        assertEquals(List.of(), lines(b));
    }

    @Test
    void closeAllSendsTheNoticeThenCloses() {
        EmbeddedChannel a = connect();
        EmbeddedChannel b = connect();
        room.closeAll("* server shutting down").syncUninterruptibly();
        assertEquals(List.of("* server shutting down"), lines(a));
        assertEquals(List.of("* server shutting down"), lines(b));
        assertFalse(a.isOpen());
        assertFalse(b.isOpen());
        assertEquals(0, room.size());
    }

    @Test
    void maxLineMustBePositive() {
        assertThrows(IllegalArgumentException.class, () -> new ChatServerInitializer(room, 0));
    }

    /** Every line written to the client so far; each must end in CRLF. */
    private static List<String> lines(EmbeddedChannel client) {
        StringBuilder out = new StringBuilder();
        for (ByteBuf buf; (buf = client.readOutbound()) != null; ) {
            out.append(buf.toString(CharsetUtil.UTF_8));
            buf.release();
        }
        List<String> lines = new ArrayList<>();
        String text = out.toString();
        int start = 0;
        for (int end; (end = text.indexOf("\r\n", start)) >= 0; start = end + 2) {
            lines.add(text.substring(start, end));
        }
        assertEquals(text.length(), start, "output not made of CRLF-terminated lines: " + text);
        return lines;
    }

    private static ByteBuf utf8(String s) {
        return Unpooled.copiedBuffer(s, CharsetUtil.UTF_8);
    }
}
