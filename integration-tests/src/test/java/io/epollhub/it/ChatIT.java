package io.epollhub.it;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The chat service over real sockets, the way nc and telnet use it. */
class ChatIT {

    private RunningServer server;

    @BeforeEach
    void start() {
        server = RunningServer.start();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void aLineReachesEveryOtherClientAndNotItsSender() throws Exception {
        try (LineClient a = new LineClient(server.chat());
             LineClient b = new LineClient(server.chat());
             LineClient c = new LineClient(server.chat())) {
            server.awaitChatClients(3);
            a.send("hello from a\n");
            String fromA = b.readLine();
            assertTrue(fromA.matches("\\[guest-\\d+] hello from a"), fromA);
            assertEquals(fromA, c.readLine());
            b.send("hello from b\r\n");
            String fromB = a.readLine();
            assertTrue(fromB.matches("\\[guest-\\d+] hello from b"), "a must not get its own line back: " + fromB);
            assertEquals(fromB, c.readLine());
            assertTrue(b.silentFor(200), "b must not get its own line back");
        }
    }

    @Test
    void aLineSplitAcrossTcpWritesArrivesWhole() throws Exception {
        try (LineClient a = new LineClient(server.chat());
             LineClient b = new LineClient(server.chat())) {
            server.awaitChatClients(2);
            for (String part : new String[] {"spl", "it ac", "ross wri", "tes\r", "\n"}) {
                a.send(part);
                Thread.sleep(30); // each part its own segment (TCP_NODELAY)
            }
            assertTrue(b.readLine().endsWith("] split across writes"));
        }
    }

    @Test
    void anOverLongLineIsRefusedAndTheConnectionStillWorks() throws Exception {
        try (LineClient a = new LineClient(server.chat());
             LineClient b = new LineClient(server.chat())) {
            server.awaitChatClients(2);
            a.send("z".repeat(10_000) + "\n");
            assertEquals("! line too long (max 4096 bytes)", a.readLine());
            a.send("short one\n");
            assertTrue(b.readLine().endsWith("] short one"));
            assertTrue(b.silentFor(100), "no part of the long line may be broadcast");
        }
    }

    @Test
    void utf8PassesThrough() throws Exception {
        try (LineClient a = new LineClient(server.chat());
             LineClient b = new LineClient(server.chat())) {
            server.awaitChatClients(2);
            a.send("grüße ✓ 日本\n");
            assertTrue(b.readLine().endsWith("] grüße ✓ 日本"));
        }
    }

    @Test
    void closedClientsLeaveTheRoom() throws Exception {
        LineClient a = new LineClient(server.chat());
        try (LineClient b = new LineClient(server.chat())) {
            server.awaitChatClients(2);
            a.close();
            server.awaitChatClients(1);
            b.send("still here\n");
            assertTrue(b.silentFor(100));
        }
    }

    @Test
    void clientsSeeTheShutdownNoticeThenTheEnd() throws Exception {
        try (LineClient a = new LineClient(server.chat());
             LineClient b = new LineClient(server.chat())) {
            server.awaitChatClients(2);
            server.close();
            assertEquals("* server shutting down", a.readLine());
            assertEquals("* server shutting down", b.readLine());
            assertTrue(a.closedByServer());
            assertTrue(b.closedByServer());
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }
}
