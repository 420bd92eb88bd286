package io.epollhub.it;

import io.epollhub.chat.ChatSettings;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Many clients, hostile clients, and the chat limits, over real sockets. */
class ChatLimitsIT {

    @Test
    void oneBroadcastReachesTwoThousandClients() throws Exception {
        int n = 2_000;
        try (RunningServer server = RunningServer.start()) {
            List<Socket> sockets = new ArrayList<>();
            List<BufferedReader> readers = new ArrayList<>();
            try {
                for (int i = 0; i < n; i++) {
                    Socket socket = new Socket();
                    socket.connect(server.chat(), LineClient.TIMEOUT_MS);
                    socket.setSoTimeout(30_000);
                    sockets.add(socket);
                    readers.add(new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8)));
                }
                long start = System.nanoTime();
                RunningServer.await(() -> server.server.chatRoom().size() == n, 60,
                        "chat room holds " + server.server.chatRoom().size() + " of " + n + " clients");
                System.out.printf("%d clients joined in %d ms%n", n, (System.nanoTime() - start) / 1_000_000);
                String welcome = readers.get(0).readLine();
                String sender = LineClient.nickIn(welcome);
                // The first client hears of every other arrival: a burst is announced in a few lines, none lost.
                int announced = 0;
                int notices = 0;
                for (String line = ""; !line.endsWith(" joined (" + n + " online)"); notices++) {
                    line = readers.get(0).readLine();
                    announced += joinsIn(line);
                }
                System.out.printf("%d joins announced in %d lines%n", announced, notices);
                assertEquals(n - 1, announced);
                assertTrue(notices < n / 10, notices + " notices for " + (n - 1) + " joins");
                sockets.get(0).getOutputStream().write("hello, everyone\n".getBytes(StandardCharsets.UTF_8));
                String expected = "[" + sender + "] hello, everyone";
                for (int i = 1; i < n; i++) {
                    assertTrue(skipNoticesTo(readers.get(i), expected), "client " + i + " missed the broadcast");
                }
                assertEquals(n, server.server.chatRoom().size(), "nobody was cut");
            } finally {
                for (Socket socket : sockets) {
                    socket.close();
                }
            }
        }
    }

    private static final Pattern JOIN_NOTICE = Pattern.compile("\\* (.+?)(?: and (\\d+) more)? joined \\(\\d+ online\\)");

    /** How many arrivals a {@code * a, b and 3 more joined (n online)} line announces. */
    private static int joinsIn(String line) {
        Matcher notice = JOIN_NOTICE.matcher(line);
        assertTrue(notice.matches(), "not a join notice: " + line);
        return notice.group(1).split(", ").length + (notice.group(2) == null ? 0 : Integer.parseInt(notice.group(2)));
    }

    private static boolean skipNoticesTo(BufferedReader reader, String expected) throws IOException {
        for (String line; (line = reader.readLine()) != null; ) {
            if (line.equals(expected)) {
                return true;
            }
            if (!line.startsWith("* ")) {
                throw new AssertionError("unexpected line: " + line);
            }
        }
        return false;
    }

    @Test
    void hostileClientsNeitherCrashTheServerNorDisturbTheOthers() throws Exception {
        try (RunningServer server = RunningServer.start()) {
            List<LineClient> peers = LineClient.joinRoom(server.chat(), 2);
            Random random = new Random(42);

            byte[] noise = new byte[64 * 1024];
            random.nextBytes(noise);
            hostile(server, out -> out.write(noise));
            hostile(server, out -> out.write(new byte[16 * 1024])); // NUL bytes
            hostile(server, out -> out.write(new byte[] {(byte) 0xFF, (byte) 0xFE, '\n', (byte) 0xC0, (byte) 0x80, '\n'}));
            byte[] endless = new byte[1 << 20];
            java.util.Arrays.fill(endless, (byte) 'a');
            hostile(server, out -> out.write(endless)); // 1 MiB without a newline
            try (Socket halfClosed = new Socket()) {
                halfClosed.connect(server.chat(), LineClient.TIMEOUT_MS);
                halfClosed.getOutputStream().write("half a line".getBytes(StandardCharsets.US_ASCII));
                halfClosed.shutdownOutput();
                halfClosed.setSoTimeout(LineClient.TIMEOUT_MS);
                halfClosed.getInputStream().readAllBytes(); // the server closes its side too
            }
            try (Socket reset = new Socket()) {
                reset.connect(server.chat(), LineClient.TIMEOUT_MS);
                reset.getOutputStream().write("going away rudely\nand mid-li".getBytes(StandardCharsets.US_ASCII));
                reset.setSoLinger(true, 0); // close with RST
            }

            server.awaitChatClients(2);
            // The peers heard joins, leaves and noise lines; what matters is that they still chat.
            peers.get(0).send("/nick still-here\n");
            assertEquals("* you are now still-here", peers.get(0).readUntil(l -> l.startsWith("* you are")));
            peers.get(0).send("and chatting\n");
            assertEquals("[still-here] and chatting", peers.get(1).readUntil(l -> l.startsWith("[still-here]")));
            try (HttpConnection http = new HttpConnection(server.http())) {
                assertEquals(200, http.exchange("GET / HTTP/1.1\r\nHost: x\r\n\r\n").status());
            }
            for (LineClient peer : peers) {
                peer.close();
            }
        }
    }

    private interface Attack {
        void send(OutputStream out) throws IOException;
    }

    private static void hostile(RunningServer server, Attack attack) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(server.chat(), LineClient.TIMEOUT_MS);
            attack.send(socket.getOutputStream());
            socket.getOutputStream().flush();
        }
    }

    @Test
    void aFullRoomTurnsClientsAwayUntilSomeoneLeaves() throws Exception {
        ChatSettings three = new ChatSettings(4096, 3, 1 << 20, Duration.ZERO, 0);
        try (RunningServer server = RunningServer.start(three)) {
            List<LineClient> room = LineClient.joinRoom(server.chat(), 3);
            try (LineClient fourth = new LineClient(server.chat())) {
                assertEquals("! server full", fourth.readLine());
                assertTrue(fourth.closedByServer());
            }
            assertEquals(1, server.server.chatRoom().rejectedClients());
            room.get(2).close();
            server.awaitChatClients(2);
            try (LineClient next = new LineClient(server.chat())) {
                assertTrue(next.readLine().startsWith("* welcome "));
            }
            room.get(0).close();
            room.get(1).close();
        }
    }

    @Test
    void linesOverTheRateAreRefusedWithSlowDown() throws Exception {
        ChatSettings limited = new ChatSettings(4096, 10, 1 << 20, Duration.ZERO, 5);
        try (RunningServer server = RunningServer.start(limited)) {
            List<LineClient> room = LineClient.joinRoom(server.chat(), 2);
            StringBuilder burst = new StringBuilder();
            for (int i = 0; i < 20; i++) {
                burst.append("line ").append(i).append('\n');
            }
            room.get(0).send(burst.toString());
            // A burst of one second's worth (5) passes; the rest arrive within microseconds and are refused.
            List<String> toSender = room.get(0).linesUntilSilent(300);
            List<String> toOther = room.get(1).linesUntilSilent(300);
            assertEquals(List.of("[guest-1] line 0", "[guest-1] line 1", "[guest-1] line 2", "[guest-1] line 3",
                    "[guest-1] line 4"), toOther);
            assertEquals(java.util.Collections.nCopies(15, "! slow down"), toSender);
            for (LineClient client : room) {
                client.close();
            }
        }
    }

    @Test
    void quitClosesAClientThatReadsNothingEvenWithItsOutputBackedUp() throws Exception {
        try (RunningServer server = RunningServer.start();
             Socket stalled = new Socket()) {
            List<LineClient> room = LineClient.joinRoom(server.chat(), 1);
            stalled.setReceiveBufferSize(4096); // fill up fast, never read
            stalled.connect(server.chat(), LineClient.TIMEOUT_MS);
            server.awaitChatClients(2);
            Channel served = server.server.chatRoom().members().stream()
                    .filter(ch -> ch.remoteAddress().equals(stalled.getLocalSocketAddress())).findFirst().orElseThrow();
            served.config().setOption(ChannelOption.SO_SNDBUF, 4096);
            // Far under the 1 MiB max-pending cut, far over what the two socket buffers hold.
            String line = "y".repeat(999) + "\n";
            for (int i = 0; i < 200 && served.unsafe().outboundBuffer().totalPendingWriteBytes() == 0; i++) {
                room.get(0).send(line.repeat(10));
                Thread.sleep(5);
            }
            RunningServer.await(() -> served.unsafe().outboundBuffer().totalPendingWriteBytes() > 0, 5,
                    "output to the stalled client never backed up");
            stalled.getOutputStream().write("/quit\n".getBytes(StandardCharsets.US_ASCII));
            server.awaitChatClients(1);
            assertEquals(0, server.server.chatRoom().slowConsumerCuts(), "closed for its /quit, not cut");
            room.get(0).close();
        }
    }

    @Test
    void clientsThatReadAreNotCutByWritesLargerThanTheMaxPending() throws Exception {
        ChatSettings tiny = new ChatSettings(4096, 10, 256, Duration.ZERO, 0);
        try (RunningServer server = RunningServer.start(tiny)) {
            List<LineClient> room = LineClient.joinRoom(server.chat(), 2);
            room.get(0).send("/help\n"); // about 400 bytes in one write
            List<String> help = room.get(0).linesUntilSilent(300);
            assertEquals("* commands:", help.get(0));
            assertTrue(help.size() >= 6, help.toString());
            StringBuilder burst = new StringBuilder();
            for (int i = 0; i < 50; i++) {
                burst.append("line ").append(i).append('\n');
            }
            room.get(0).send(burst.toString()); // gathered for the other client: some 900 bytes
            List<String> heard = room.get(1).linesUntilSilent(300);
            assertEquals(50, heard.size(), heard.toString());
            assertEquals("[guest-1] line 49", heard.get(49));
            assertEquals(0, server.server.chatRoom().slowConsumerCuts());
            assertEquals(2, server.server.chatRoom().size());
            for (LineClient client : room) {
                client.close();
            }
        }
    }

    @Test
    void idleClientsAreClosedWithANotice() throws Exception {
        ChatSettings idle = new ChatSettings(4096, 10, 1 << 20, Duration.ofMillis(300), 0);
        try (RunningServer server = RunningServer.start(idle);
             LineClient client = new LineClient(server.chat())) {
            assertTrue(client.readLine().startsWith("* welcome "));
            assertEquals("* idle for 300ms, bye", client.readLine());
            assertTrue(client.closedByServer());
        }
    }
}
