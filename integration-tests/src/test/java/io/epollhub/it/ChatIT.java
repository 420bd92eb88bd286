package io.epollhub.it;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The chat service over real sockets, the way nc and telnet use it. */
class ChatIT {

    private RunningServer server;
    private List<LineClient> clients = List.of();

    @BeforeEach
    void start() {
        server = RunningServer.start();
    }

    @AfterEach
    void stop() throws IOException {
        for (LineClient client : clients) {
            client.close();
        }
        server.close();
    }

    private List<LineClient> join(int n) throws IOException {
        clients = LineClient.joinRoom(server.chat(), n);
        return clients;
    }

    @Test
    void noticesReachTheOthersInOrderAndWhoFollows() throws Exception {
        try (LineClient a = new LineClient(server.chat())) {
            assertEquals("* welcome guest-1, 1 online. /help lists commands", a.readLine());
            try (LineClient b = new LineClient(server.chat())) {
                assertEquals("* welcome guest-2, 2 online. /help lists commands", b.readLine());
                b.send("/nick bob\r\n");
                assertEquals("* you are now bob", b.readLine());
                try (LineClient c = new LineClient(server.chat())) {
                    assertEquals("* welcome guest-3, 3 online. /help lists commands", c.readLine());
                    c.send("/who\n");
                    assertEquals("* 3 online: bob, guest-1, guest-3", c.readLine());
                    assertEquals("* guest-3 joined (3 online)", b.readLine());
                    b.send("/quit\n");
                    assertEquals("* bye", b.readLine());
                    assertTrue(b.closedByServer());
                    assertEquals("* bob left (2 online)", c.readLine());
                    c.send("/me waves\n");
                    assertEquals("* guest-2 joined (2 online)", a.readLine());
                    assertEquals("* guest-2 is now bob", a.readLine());
                    assertEquals("* guest-3 joined (3 online)", a.readLine());
                    assertEquals("* bob left (2 online)", a.readLine());
                    assertEquals("* guest-3 waves", a.readLine());
                    a.send("/who\n");
                    assertEquals("* 2 online: guest-1, guest-3", a.readLine());
                }
                assertEquals("* guest-3 left (1 online)", a.readLine());
            }
        }
    }

    @Test
    void aLineReachesEveryOtherClientAndNotItsSender() throws Exception {
        List<LineClient> c = join(3);
        c.get(0).send("hello from a\n");
        assertEquals("[guest-1] hello from a", c.get(1).readLine());
        assertEquals("[guest-1] hello from a", c.get(2).readLine());
        c.get(1).send("hello from b\r\n");
        assertEquals("[guest-2] hello from b", c.get(0).readLine(), "a must not get its own line back");
        assertEquals("[guest-2] hello from b", c.get(2).readLine());
        assertTrue(c.get(1).silentFor(200), "b must not get its own line back");
    }

    @Test
    void aLineSplitAcrossTcpWritesArrivesWhole() throws Exception {
        List<LineClient> c = join(2);
        for (String part : new String[] {"spl", "it ac", "ross wri", "tes", "✓\r", "\n"}) {
            c.get(0).send(part);
            Thread.sleep(30); // each part its own segment (TCP_NODELAY)
        }
        assertEquals("[guest-1] split across writes✓", c.get(1).readLine());
    }

    @Test
    void aCharacterSplitAcrossTcpWritesArrivesWhole() throws Exception {
        List<LineClient> c = join(2);
        c.get(0).sendBytes(new byte[] {'o', 'k', (byte) 0xE2});
        Thread.sleep(30);
        c.get(0).sendBytes(new byte[] {(byte) 0x9C, (byte) 0x93, '\n'});
        assertEquals("[guest-1] ok✓", c.get(1).readLine());
    }

    @Test
    void anOverLongLineIsRefusedAndTheConnectionStillWorks() throws Exception {
        List<LineClient> c = join(2);
        c.get(0).send("z".repeat(10_000) + "\n");
        assertEquals("! line too long (max 4096 bytes)", c.get(0).readLine());
        c.get(0).send("short one\n");
        assertEquals("[guest-1] short one", c.get(1).readLine());
        assertTrue(c.get(1).silentFor(100), "no part of the long line may be broadcast");
    }

    @Test
    void escapeSequencesNeverReachOtherTerminals() throws Exception {
        List<LineClient> c = join(2);
        c.get(0).send("\u001b[2J\u001b[31mred\u0007\n");
        assertEquals("[guest-1] [2J[31mred", c.get(1).readLine());
    }

    @Test
    void aClientThatSendsThenHalfClosesIsHeardOutAfterItsJoinThenLeaves() throws Exception {
        LineClient listener = join(1).get(0);
        // `printf 'hi\ntail' | nc -N`: the lines and the FIN often arrive before the room has admitted the sender.
        for (int i = 0; i < 20; i++) {
            String answer;
            try (Socket nc = new Socket()) {
                nc.connect(server.chat(), LineClient.TIMEOUT_MS);
                nc.setSoTimeout(LineClient.TIMEOUT_MS);
                nc.getOutputStream().write("hi\ntail".getBytes(StandardCharsets.US_ASCII));
                nc.shutdownOutput();
                answer = new String(nc.getInputStream().readAllBytes(), StandardCharsets.UTF_8); // until the server closes
            }
            String nick = LineClient.nickIn(answer);
            assertEquals("* welcome " + nick + ", 2 online. /help lists commands\r\n* bye\r\n", answer);
            assertEquals(List.of("* " + nick + " joined (2 online)", "[" + nick + "] hi", "[" + nick + "] tail",
                    "* " + nick + " left (1 online)"), List.of(listener.readLine(), listener.readLine(),
                    listener.readLine(), listener.readLine()));
        }
    }

    @Test
    void clientsSeeTheShutdownNoticeThenTheEnd() throws Exception {
        List<LineClient> c = join(2);
        server.close();
        for (LineClient client : c) {
            assertEquals("* server shutting down", client.readLine());
            assertTrue(client.closedByServer());
        }
    }
}
