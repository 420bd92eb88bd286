package io.epollhub.chat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.channel.DefaultChannelId;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.CharsetUtil;
import io.netty.util.concurrent.ImmediateEventExecutor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ChatServerHandlerTest {

    private static final ChatSettings SETTINGS = new ChatSettings(64, 4, 4096, Duration.ZERO, 0);
    private static final String TOO_LONG = "! line too long (max 64 bytes)";

    private ChatRoom room;
    private final List<EmbeddedChannel> clients = new ArrayList<>();

    /** Stands in for the room's own thread where a test needs joins and leaves to wait: runs them when told. */
    private final EmbeddedChannel roomThread = new EmbeddedChannel();

    @AfterEach
    void closeAll() {
        assertFalse(roomThread.finishAndReleaseAll());
        for (EmbeddedChannel client : clients) {
            client.finishAndReleaseAll();
            assertFalse(client.isOpen());
        }
    }

    /** Three clients, guest-1..3, with their greetings already read. */
    private List<EmbeddedChannel> room3() {
        return room(SETTINGS, 3);
    }

    private List<EmbeddedChannel> room(ChatSettings settings, int n) {
        room = new ChatRoom(ImmediateEventExecutor.INSTANCE, settings.maxClients());
        List<EmbeddedChannel> joined = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            joined.add(connect(settings));
        }
        joined.forEach(ChatServerHandlerTest::lines);
        return joined;
    }

    /** A room whose joins and leaves run on {@link #roomThread}, and its first member, admitted and greeted. */
    private EmbeddedChannel firstOfARoomRunByHand(ChatSettings settings) {
        room = new ChatRoom(roomThread.eventLoop(), settings.maxClients());
        EmbeddedChannel first = connect(settings);
        roomThread.runPendingTasks();
        lines(first);
        return first;
    }

    /** Each client needs its own id: a {@code ChannelGroup} keys its members by id. */
    private EmbeddedChannel connect(ChatSettings settings) {
        EmbeddedChannel client = new EmbeddedChannel(DefaultChannelId.newInstance(), new ChatServerInitializer(room, settings));
        clients.add(client);
        return client;
    }

    @Test
    void joiningGreetsTheNewcomerAndTellsTheOthers() {
        room = new ChatRoom(ImmediateEventExecutor.INSTANCE, 10);
        EmbeddedChannel a = connect(SETTINGS);
        assertEquals(List.of("* welcome guest-1, 1 online. /help lists commands"), lines(a));
        EmbeddedChannel b = connect(SETTINGS);
        assertEquals(List.of("* welcome guest-2, 2 online. /help lists commands"), lines(b));
        assertEquals(List.of("* guest-2 joined (2 online)"), lines(a));
    }

    @Test
    void joinsAndLeavesArrivingWhileOneIsAnnouncedAreAnnouncedTogetherAndInOrder() {
        ChatSettings roomy = new ChatSettings(64, 100, 4096, Duration.ZERO, 0);
        EmbeddedChannel first = firstOfARoomRunByHand(roomy);
        List<EmbeddedChannel> burst = new ArrayList<>();
        for (int i = 0; i < 23; i++) {
            burst.add(connect(roomy)); // guest-2 .. guest-24, their admissions queued on the room's thread
        }
        roomThread.runPendingTasks();
        // guest-2 is announced alone; the 22 admitted while that was handed out make one line, 20 of them named.
        String named = IntStream.rangeClosed(3, 22).mapToObj(i -> "guest-" + i).collect(Collectors.joining(", "));
        String together = "* " + named + " and 2 more joined (24 online)";
        assertEquals(List.of("* guest-2 joined (2 online)", together), lines(first));
        assertEquals(List.of("* welcome guest-2, 2 online. /help lists commands", together), lines(burst.get(0)));
        // Each newcomer learns of the others who came with it, and may speak only once that line is on its way.
        assertEquals(List.of("* welcome guest-24, 24 online. /help lists commands", together), lines(burst.get(22)));
        burst.get(22).writeInbound(utf8("hi\n"));
        assertEquals(List.of("[guest-24] hi"), lines(first));

        burst.get(0).close();
        burst.get(1).close();
        burst.get(2).close();
        burst.get(3).writeInbound(utf8("/nick zed\n"));
        roomThread.runPendingTasks();
        assertEquals(List.of("* guest-5 is now zed", "* guest-2 left (23 online)", "* guest-3, guest-4 left (21 online)"),
                lines(first));
    }

    @Test
    void leavingIsToldToTheOthers() {
        List<EmbeddedChannel> c = room3();
        c.get(1).close();
        assertEquals(List.of("* guest-2 left (2 online)"), lines(c.get(0)));
        assertEquals(List.of("* guest-2 left (2 online)"), lines(c.get(2)));
    }

    static Stream<Arguments> broadcasts() {
        return Stream.of(
                Arguments.of("hello\n", "[guest-1] hello"),
                Arguments.of("hello\r\n", "[guest-1] hello"),
                Arguments.of("two words  spaced\n", "[guest-1] two words  spaced"),
                Arguments.of("héllo wörld ✓ 日本\n", "[guest-1] héllo wörld ✓ 日本"),
                Arguments.of("tab\tkept\n", "[guest-1] tab\tkept"),
                Arguments.of("\u001b[2Jcleared?\n", "[guest-1] [2Jcleared?"),
                Arguments.of("bell\u0007 back\bspace nul\u0000 del\u007f\n", "[guest-1] bell backspace nul del"),
                Arguments.of("c1 \u009b31mred\n", "[guest-1] c1 31mred"),
                Arguments.of("lone\rcr\n", "[guest-1] lonecr"),
                Arguments.of("//slash\n", "[guest-1] /slash"),
                Arguments.of("///two\n", "[guest-1] //two"),
                Arguments.of("x".repeat(64) + "\n", "[guest-1] " + "x".repeat(64)));
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource("broadcasts")
    void aLineReachesEveryoneButItsSender(String sent, String expected) {
        List<EmbeddedChannel> c = room3();
        c.get(0).writeInbound(utf8(sent));
        assertEquals(List.of(expected), lines(c.get(1)));
        assertEquals(List.of(expected), lines(c.get(2)));
        assertEquals(List.of(), lines(c.get(0)));
    }

    @Test
    void linesOfNothingButControlsOrWhitespaceAreIgnored() {
        List<EmbeddedChannel> c = room3();
        c.get(0).writeInbound(utf8("\n\r\n\u0007\u001b\n\n   \n\t\n \t \r\n\u0007 \u001b\t\n"));
        assertEquals(List.of(), lines(c.get(1)));
        assertEquals(List.of(), lines(c.get(0)));
    }

    @Test
    void linesSentBeforeTheWelcomeFollowTheJoinNoticeAndEndOfInputLeaves() {
        EmbeddedChannel listener = firstOfARoomRunByHand(SETTINGS);
        EmbeddedChannel sender = connect(SETTINGS);
        // What `printf 'hi\n/me waves\ntail' | nc -N` gets read before the room has admitted its sender.
        sendThenHalfClose(sender, "hi\n/me waves\ntail");
        assertEquals(List.of(), lines(listener));
        roomThread.runPendingTasks();
        assertEquals(List.of("* welcome guest-2, 2 online. /help lists commands", "* bye"), lines(sender));
        assertFalse(sender.isOpen());
        roomThread.runPendingTasks();
        assertEquals(List.of("* guest-2 joined (2 online)", "[guest-2] hi", "* guest-2 waves", "[guest-2] tail",
                "* guest-2 left (1 online)"), lines(listener));
    }

    @Test
    void linesBeforeTheWelcomeAreHeldWithinTheBudgetAndTheRestReported() {
        ChatSettings tiny = new ChatSettings(64, 4, 256, Duration.ZERO, 0);
        EmbeddedChannel listener = firstOfARoomRunByHand(tiny);
        EmbeddedChannel sender = connect(tiny);
        String line = "z".repeat(39);
        sender.writeInbound(utf8((line + "\n").repeat(10))); // 390 characters against a budget of 256
        roomThread.runPendingTasks();
        assertEquals(List.of("* welcome guest-2, 2 online. /help lists commands",
                "! 4 lines sent before your welcome were dropped (more than 256 characters)"), lines(sender));
        List<String> heard = lines(listener);
        assertEquals("* guest-2 joined (2 online)", heard.get(0));
        assertEquals(Collections.nCopies(6, "[guest-2] " + line), heard.subList(1, heard.size()));
    }

    @Test
    void endOfInputDeliversTheLastLineWithoutItsNewlineThenLeaves() {
        List<EmbeddedChannel> c = room3();
        sendThenHalfClose(c.get(0), "one\r\ntail\r");
        assertEquals(List.of("* bye"), lines(c.get(0)));
        assertFalse(c.get(0).isOpen());
        assertEquals(List.of("[guest-1] one", "[guest-1] tail", "* guest-1 left (2 online)"), lines(c.get(1)));
    }

    @Test
    void endOfInputAfterQuitSaysByeOnce() {
        List<EmbeddedChannel> c = room3();
        sendThenHalfClose(c.get(0), "/quit\n");
        assertEquals(List.of("* bye"), lines(c.get(0)));
    }

    static Stream<Arguments> commands() {
        return Stream.of(
                Arguments.of("/nick alice", List.of("* you are now alice"), List.of("* guest-1 is now alice")),
                Arguments.of("/nick Al_ice-9", List.of("* you are now Al_ice-9"), List.of("* guest-1 is now Al_ice-9")),
                Arguments.of("/nick GUEST-1", List.of("* you are now GUEST-1"), List.of("* guest-1 is now GUEST-1")),
                Arguments.of("/nick GUEST-2", List.of("! nick taken"), List.of()),
                Arguments.of("/nick guest-1", List.of("* you are already guest-1"), List.of()),
                Arguments.of("/nick bad nick", List.of("! invalid nick"), List.of()),
                Arguments.of("/nick b\u001bd", List.of("! invalid nick"), List.of()),
                Arguments.of("/nick " + "n".repeat(33), List.of("! invalid nick"), List.of()),
                Arguments.of("/nick", List.of("! invalid nick"), List.of()),
                Arguments.of("/me waves", List.of(), List.of("* guest-1 waves")),
                Arguments.of("/nick\tfoo", List.of("* you are now foo"), List.of("* guest-1 is now foo")),
                Arguments.of("/me\t waves", List.of(), List.of("* guest-1 waves")),
                Arguments.of("/me \t ", List.of("! usage: /me <action>"), List.of()),
                Arguments.of("/who\t", List.of("* 3 online: guest-1, guest-2, guest-3"), List.of()),
                Arguments.of("/me \u001b[5mblinks", List.of(), List.of("* guest-1 [5mblinks")),
                Arguments.of("/me", List.of("! usage: /me <action>"), List.of()),
                Arguments.of("/who", List.of("* 3 online: guest-1, guest-2, guest-3"), List.of()),
                Arguments.of("/frob x", List.of("! unknown command /frob (try /help)"), List.of()),
                Arguments.of("/", List.of("! unknown command / (try /help)"), List.of()),
                Arguments.of("/help", List.of(ChatServerHandler.HELP.split("\r\n")), List.of()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("commands")
    void commandsAnswerTheSenderAndTellTheOthers(String command, List<String> toSender, List<String> toOthers) {
        List<EmbeddedChannel> c = room3();
        c.get(0).writeInbound(utf8(command + "\n"));
        assertEquals(toSender, lines(c.get(0)));
        assertEquals(toOthers, lines(c.get(1)));
        assertEquals(toOthers, lines(c.get(2)));
    }

    @Test
    void renamedClientsSpeakUnderTheirNewNickAndFreeTheOld() {
        List<EmbeddedChannel> c = room3();
        c.get(0).writeInbound(utf8("/nick zed\nhi\n"));
        assertEquals(List.of("* guest-1 is now zed", "[zed] hi"), lines(c.get(1)));
        c.get(1).writeInbound(utf8("/nick guest-1\n/who\n"));
        assertEquals(List.of("* you are now guest-1", "* 3 online: guest-1, guest-3, zed"), lines(c.get(1)));
    }

    @Test
    void whoFollowsLeaves() {
        List<EmbeddedChannel> c = room3();
        c.get(2).close();
        c.get(0).writeInbound(utf8("/who\n"));
        assertEquals(List.of("* guest-3 left (2 online)", "* 2 online: guest-1, guest-2"), lines(c.get(0)));
    }

    @Test
    void quitSaysByeThenCloses() {
        List<EmbeddedChannel> c = room3();
        c.get(0).writeInbound(utf8("/quit\n"));
        assertEquals(List.of("* bye"), lines(c.get(0)));
        assertFalse(c.get(0).isOpen());
        assertEquals(List.of("* guest-1 left (2 online)"), lines(c.get(1)));
    }

    static Stream<Arguments> goodbyes() {
        return Stream.of(
                Arguments.of("/quit", (Consumer<EmbeddedChannel>) client -> client.writeInbound(utf8("/quit\n")), "* bye"),
                Arguments.of("idle, twice", (Consumer<EmbeddedChannel>) client -> {
                    client.pipeline().fireUserEventTriggered(IdleStateEvent.FIRST_READER_IDLE_STATE_EVENT);
                    client.pipeline().fireUserEventTriggered(IdleStateEvent.READER_IDLE_STATE_EVENT);
                }, "* idle for 0s, bye"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("goodbyes")
    void aClientThatReadsNothingIsClosedAfterTheGoodbyeGrace(String name, Consumer<EmbeddedChannel> leave, String goodbye) {
        List<EmbeddedChannel> c = room3();
        List<String> held = stall(c.get(0));
        leave.accept(c.get(0));
        c.get(0).runPendingTasks();
        assertTrue(c.get(0).isOpen(), "the goodbye is still on its way");
        c.get(0).advanceTimeBy(ChatServerHandler.GOODBYE_GRACE.toMillis() + 1, TimeUnit.MILLISECONDS);
        c.get(0).runPendingTasks();
        assertFalse(c.get(0).isOpen(), "closed after the grace");
        assertEquals(List.of(goodbye), held, "one goodbye");
        assertEquals(List.of("* guest-1 left (2 online)"), lines(c.get(1)));
    }

    /**
     * Makes {@code client} one whose receive window is full: what it is sent from now on is never written (its
     * writes stay pending). Returns the lines it was sent since, as they are held back.
     */
    private static List<String> stall(EmbeddedChannel client) {
        List<String> held = new ArrayList<>();
        client.pipeline().addFirst(new ChannelOutboundHandlerAdapter() {
            @Override
            public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
                ByteBuf buf = (ByteBuf) msg;
                held.add(buf.toString(CharsetUtil.UTF_8).strip());
                buf.release();
            }

            @Override
            public void flush(ChannelHandlerContext ctx) {
            }
        });
        return held;
    }

    @Test
    void linesAfterQuitInTheSameReadAreDropped() {
        List<EmbeddedChannel> c = room3();
        c.get(0).writeInbound(utf8("/quit\nafter quit\n/nick late\n"));
        assertEquals(List.of("* bye"), lines(c.get(0)));
        assertEquals(List.of("* guest-1 left (2 online)"), lines(c.get(1)));
    }

    /**
     * Makes {@code client} one that reads nothing more: what it is sent from now on is written to its outbound
     * buffer but never taken, so it counts as pending output.
     */
    private static void stopReading(EmbeddedChannel client) {
        client.pipeline().addFirst(new ChannelOutboundHandlerAdapter() {
            @Override
            public void flush(ChannelHandlerContext ctx) {
            }
        });
    }

    @Test
    void linesAfterACutInTheSameReadAreDropped() {
        ChatSettings tiny = new ChatSettings(64, 4, 256, Duration.ZERO, 0);
        List<EmbeddedChannel> c = room(tiny, 2);
        stopReading(c.get(0));
        // The help text alone is more than 256 bytes, none of it read: it is written before the next answer is
        // gathered, and its reader cut. writeInbound would see the channel closed.
        c.get(0).pipeline().fireChannelRead(utf8("/help\n/who\nafter the cut\n/nick late\n"));
        c.get(0).runPendingTasks();
        assertFalse(c.get(0).isOpen());
        assertEquals(1, room.slowConsumerCuts());
        assertEquals(List.of("* guest-1 left (1 online)"), lines(c.get(1)));
    }

    @Test
    void aClientThatReadsIsNotCutHoweverLargeOneWrite() {
        ChatSettings tiny = new ChatSettings(64, 4, 256, Duration.ZERO, 0);
        List<EmbeddedChannel> c = room(tiny, 2);
        c.get(0).writeInbound(utf8("/help\n"));
        assertEquals(List.of(ChatServerHandler.HELP.split("\r\n")), lines(c.get(0)));
        assertTrue(c.get(0).isOpen());
        assertEquals(0, room.slowConsumerCuts());
    }

    @Test
    void aBurstOfLinesReachesEachMemberInOneWrite() {
        List<EmbeddedChannel> c = room3();
        List<String> burst = IntStream.range(0, 50).mapToObj(i -> "line " + i).toList();
        c.get(0).writeInbound(utf8(burst.stream().map(l -> l + "\n").collect(Collectors.joining())));
        c.get(1).runPendingTasks();
        assertEquals(1, c.get(1).outboundMessages().size(), "written once");
        assertEquals(burst.stream().map(l -> "[guest-1] " + l).toList(), lines(c.get(1)));
    }

    @Test
    void gatheredOutputIsWrittenAtOnceBeforeItPassesTheWriteThreshold() {
        ChatSettings wide = new ChatSettings(4000, 4, 1 << 20, Duration.ZERO, 0);
        List<EmbeddedChannel> c = room(wide, 2);
        String line = "x".repeat(900); // 912 bytes as sent, under ChatOutbox.SHARE_AT: copied
        c.get(0).writeInbound(utf8((line + "\n").repeat(36))); // 32,832 bytes in one read
        c.get(1).runPendingTasks();
        List<Integer> writes = c.get(1).outboundMessages().stream().map(m -> ((ByteBuf) m).readableBytes()).toList();
        assertTrue(writes.stream().allMatch(size -> size <= ChatOutbox.WRITE_AT), writes.toString());
        assertEquals(3, writes.size(), writes.toString()); // 17, 17 and 2 lines
        assertEquals(Collections.nCopies(36, "[guest-1] " + line), lines(c.get(1)));
    }

    @Test
    void longLinesAreSharedByTheirRecipientsNotCopiedInOrderWithTheRest() {
        ChatSettings wide = new ChatSettings(4000, 4, 1 << 20, Duration.ZERO, 0);
        List<EmbeddedChannel> c = room(wide, 3);
        String longLine = "y".repeat(ChatOutbox.SHARE_AT);
        c.get(0).writeInbound(utf8("short\n" + longLine + "\nafter\n"));
        c.get(1).runPendingTasks();
        c.get(2).runPendingTasks();
        ByteBuf[] heardBy1 = c.get(1).outboundMessages().stream().map(ByteBuf.class::cast).toArray(ByteBuf[]::new);
        ByteBuf[] heardBy2 = c.get(2).outboundMessages().stream().map(ByteBuf.class::cast).toArray(ByteBuf[]::new);
        assertEquals(3, heardBy1.length, "short gathered, long shared, after gathered");
        assertTrue(heardBy1[1].hasMemoryAddress() && heardBy2[1].hasMemoryAddress());
        assertEquals(heardBy1[1].memoryAddress(), heardBy2[1].memoryAddress(), "one encoded line, not a copy each");
        for (int i = 1; i <= 2; i++) {
            assertEquals(List.of("[guest-1] short", "[guest-1] " + longLine, "[guest-1] after"), lines(c.get(i)));
        }
    }

    @Test
    void aFullRoomTurnsTheNextClientAway() {
        ChatSettings two = new ChatSettings(64, 2, 4096, Duration.ZERO, 0);
        List<EmbeddedChannel> c = room(two, 2);
        EmbeddedChannel third = connect(two);
        assertEquals(List.of("! server full"), lines(third));
        assertFalse(third.isOpen());
        assertEquals(List.of(), lines(c.get(0)), "nobody hears of a client turned away");
        assertEquals(1, room.rejectedClients());
        assertEquals(2, room.size());
        c.get(1).close();
        EmbeddedChannel fourth = connect(two);
        assertTrue(fourth.isOpen(), "a freed place admits the next client");
    }

    @Test
    void overTheRateLinesAreRefusedNotDropped() {
        ChatSettings limited = new ChatSettings(64, 4, 4096, Duration.ZERO, 2);
        List<EmbeddedChannel> c = room(limited, 2);
        c.get(0).writeInbound(utf8("one\ntwo\nthree\n"));
        assertEquals(List.of("! slow down"), lines(c.get(0)));
        assertEquals(List.of("[guest-1] one", "[guest-1] two"), lines(c.get(1)));
    }

    @Test
    void quitIsHonouredOverTheRate() {
        ChatSettings limited = new ChatSettings(64, 4, 4096, Duration.ZERO, 2);
        List<EmbeddedChannel> c = room(limited, 2);
        c.get(0).writeInbound(utf8("one\ntwo\nthree\n/quit\n"));
        assertEquals(List.of("! slow down", "* bye"), lines(c.get(0)));
        assertFalse(c.get(0).isOpen());
    }

    @Test
    void aClientThatStopsReadingIsCutOnceItsOutputPassesTheLimit() {
        List<EmbeddedChannel> c = room3();
        stopReading(c.get(2));
        String line = "y".repeat(50); // 63 bytes with its nick and CRLF, against a max-pending of 4096
        c.get(0).writeInbound(utf8((line + "\n").repeat(55))); // 3,465 bytes unread
        c.get(2).runPendingTasks();
        assertTrue(c.get(2).isOpen(), "cut under the limit");
        c.get(0).writeInbound(utf8((line + "\n").repeat(20))); // 4,725
        c.get(2).runPendingTasks();
        assertFalse(c.get(2).isOpen(), "not cut past the limit");
        assertEquals(1, room.slowConsumerCuts());
        // This room announces the leave the moment the cut closes the channel, before the rest of the burst.
        List<String> heard = new ArrayList<>(lines(c.get(1)));
        assertTrue(heard.remove("* guest-3 left (2 online)"), heard.toString());
        assertEquals(Collections.nCopies(75, "[guest-1] " + line), heard, "the others miss nothing");
    }

    @Test
    void idleClientsAreClosedWithANotice() throws InterruptedException {
        ChatSettings idle = new ChatSettings(64, 4, 4096, Duration.ofMillis(50), 0);
        List<EmbeddedChannel> c = room(idle, 2);
        Thread.sleep(80);
        c.forEach(client -> client.advanceTimeBy(80, TimeUnit.MILLISECONDS));
        c.forEach(EmbeddedChannel::runPendingTasks);
        assertEquals(List.of("* idle for 50ms, bye"), lines(c.get(0)));
        assertFalse(c.get(0).isOpen());
    }

    @Test
    void idleTimeoutsReadLikeTheFlag() {
        assertEquals("50ms", io.epollhub.text.Durations.format(Duration.ofMillis(50)));
        assertEquals("5s", io.epollhub.text.Durations.format(Duration.ofSeconds(5)));
        assertEquals("90s", io.epollhub.text.Durations.format(Duration.ofSeconds(90)));
        assertEquals("2m", io.epollhub.text.Durations.format(Duration.ofMinutes(2)));
    }

    @Test
    void invalidUtf8BecomesReplacementCharacters() {
        List<EmbeddedChannel> c = room3();
        c.get(0).writeInbound(Unpooled.wrappedBuffer(new byte[] {'o', 'k', (byte) 0xC3, (byte) 0x28, (byte) 0xFF, '\n'}));
        assertEquals(List.of("[guest-1] ok\uFFFD(\uFFFD"), lines(c.get(1)));
    }

    private static final int IAC = 0xFF;

    static Stream<Arguments> telnetCommands() {
        return Stream.of(
                Arguments.of("Ctrl-C: IP, DO TIMING-MARK", List.of(bytes('h', IAC, 0xF4, IAC, 0xFD, 0x06, 'i', '\n')), "[guest-1] hi"),
                Arguments.of("WILL NAWS, option byte 10 is no line end",
                        List.of(bytes('a', IAC, 0xFB, 0x1F, 'b', IAC, 0xFD, '\n', 'c', '\n')), "[guest-1] abc"),
                Arguments.of("window size subnegotiation",
                        List.of(bytes(IAC, 0xFA, 0x1F, 0, 80, 0, '\n', IAC, IAC, IAC, 0xF0, 'o', 'k', '\n')), "[guest-1] ok"),
                Arguments.of("split across reads", List.of(bytes('x', IAC), bytes(0xFA, 0x18), bytes(0, 'v', 't', IAC),
                        bytes(0xF0, 'y', IAC), bytes(0xFE), bytes(0x01, 'z', '\n')), "[guest-1] xyz"),
                Arguments.of("IAC IAC is a 0xFF byte", List.of(bytes('a', IAC, IAC, 'b', '\n')), "[guest-1] a\uFFFDb"),
                Arguments.of("0xFF before a non-command is kept", List.of(bytes('a', IAC, 'b', IAC, '\n')),
                        "[guest-1] a\uFFFDb\uFFFD"),
                Arguments.of("a subnegotiation never ended stops swallowing input past its limit",
                        List.of(bytes(IAC, 0xFA, 0x18), Unpooled.wrappedBuffer(new byte[TelnetCommandFilter.MAX_SUBNEGOTIATION]),
                                bytes('\n', 'h', 'e', 'y', '\n')), "[guest-1] hey"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("telnetCommands")
    void telnetCommandsNeverReachTheOthers(String name, List<ByteBuf> reads, String expected) {
        List<EmbeddedChannel> c = room3();
        reads.forEach(c.get(0)::writeInbound);
        assertEquals(List.of(expected), lines(c.get(1)));
        assertEquals(List.of(), lines(c.get(0)));
    }

    private static ByteBuf bytes(int... values) {
        ByteBuf buf = Unpooled.buffer(values.length);
        for (int value : values) {
            buf.writeByte(value);
        }
        return buf;
    }

    @Test
    void aCharacterSplitAcrossReadsArrivesWhole() {
        List<EmbeddedChannel> c = room3();
        byte[] check = "✓".getBytes(CharsetUtil.UTF_8);
        c.get(0).writeInbound(Unpooled.wrappedBuffer(new byte[] {'a', check[0]}));
        c.get(0).writeInbound(Unpooled.wrappedBuffer(new byte[] {check[1]}));
        c.get(0).writeInbound(Unpooled.wrappedBuffer(new byte[] {check[2], 'b', '\n'}));
        assertEquals(List.of("[guest-1] a✓b"), lines(c.get(1)));
    }

    @Test
    void aLineSplitAcrossReadsArrivesWhole() {
        List<EmbeddedChannel> c = room3();
        c.get(0).writeInbound(utf8("hel"));
        c.get(0).writeInbound(utf8("lo wo"));
        assertEquals(List.of(), lines(c.get(1)));
        c.get(0).writeInbound(utf8("rld\r"));
        c.get(0).writeInbound(utf8("\nsecond\n"));
        assertEquals(List.of("[guest-1] hello world", "[guest-1] second"), lines(c.get(1)));
    }

    @Test
    void anOverLongLineIsRefusedAndTheConnectionGoesOn() {
        List<EmbeddedChannel> c = room3();
        c.get(0).writeInbound(utf8("y".repeat(65)));
        c.get(0).writeInbound(utf8("y".repeat(200) + "\nafter\n"));
        assertEquals(List.of("! line too long (max 64 bytes)"), lines(c.get(0)));
        assertEquals(List.of("[guest-1] after"), lines(c.get(1)));
        assertEquals(3, room.size());
    }

    static Stream<Arguments> lineLimits() {
        String max = "x".repeat(64);
        String over = "y".repeat(65);
        return Stream.of(
                Arguments.of("exactly the limit", List.of(max + "\n"), List.of("[guest-1] " + max), List.of()),
                Arguments.of("the limit, CR and LF in two reads", List.of(max + "\r", "\n"), List.of("[guest-1] " + max), List.of()),
                Arguments.of("the limit, LF on its own read", List.of(max, "\r\n"), List.of("[guest-1] " + max), List.of()),
                Arguments.of("one over", List.of(over + "\nok\n"), List.of("[guest-1] ok"), List.of(TOO_LONG)),
                Arguments.of("one over, CR and LF in two reads", List.of(over + "\r", "\nok\n"), List.of("[guest-1] ok"),
                        List.of(TOO_LONG)),
                Arguments.of("one over, then end of input", List.of(over), List.of(), List.of(TOO_LONG)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("lineLimits")
    void theLineLimitCountsTheLineNotItsEnding(String name, List<String> reads, List<String> toOthers, List<String> toSender) {
        List<EmbeddedChannel> c = room3();
        reads.forEach(read -> c.get(0).writeInbound(utf8(read)));
        c.get(0).pipeline().fireUserEventTriggered(ChannelInputShutdownEvent.INSTANCE);
        assertEquals(toOthers, lines(c.get(1)).stream().filter(l -> !l.startsWith("* ")).toList());
        assertEquals(toSender, lines(c.get(0)).stream().filter(l -> !l.equals("* bye")).toList());
    }

    @Test
    void closeAllSendsTheNoticeThenCloses() {
        List<EmbeddedChannel> c = room3();
        room.closeAll("* server shutting down").syncUninterruptibly();
        for (EmbeddedChannel client : c) {
            assertEquals(List.of("* server shutting down"), lines(client), "no one hears of others leaving at shutdown");
            assertFalse(client.isOpen());
        }
        assertEquals(0, room.size());
    }

    /** Every line written to the client so far; each must end in CRLF. */
    static List<String> lines(EmbeddedChannel client) {
        client.runPendingTasks(); // flushes that FlushConsolidationHandler deferred
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

    /** What a client that writes {@code text} and then shuts down its output (nc -N) gets read as. */
    private static void sendThenHalfClose(EmbeddedChannel client, String text) {
        client.writeInbound(utf8(text));
        client.pipeline().fireUserEventTriggered(ChannelInputShutdownEvent.INSTANCE);
    }

    private static ByteBuf utf8(String s) {
        return Unpooled.copiedBuffer(s, CharsetUtil.UTF_8);
    }
}
