package io.epollhub.it;

import io.epollhub.chat.ChatSettings;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code epollhub chat}, the bundled line client, as a process against the real server. */
class ChatClientIT {

    @Test
    void typesToTheRoomPrintsTheRoomAndLeavesAtEndOfInput() throws Exception {
        try (RunningServer server = RunningServer.start();
             LineClient other = new LineClient(server.chat())) {
            assertTrue(other.readLine().startsWith("* welcome "));
            Process client = chatClient(server.chat().getPort(), "--nick", "alice");
            try (BufferedReader out = new BufferedReader(new InputStreamReader(client.getInputStream(), StandardCharsets.UTF_8))) {
                assertEquals("* welcome guest-2, 2 online. /help lists commands", out.readLine());
                assertEquals("* you are now alice", out.readLine());
                assertEquals("* guest-2 joined (2 online)", other.readLine());
                assertEquals("* guest-2 is now alice", other.readLine());

                OutputStream in = client.getOutputStream();
                in.write("hello from the client ✓\n".getBytes(StandardCharsets.UTF_8));
                in.flush();
                assertEquals("[alice] hello from the client ✓", other.readLine());
                other.send("hi alice\n");
                assertEquals("[guest-1] hi alice", out.readLine());

                in.close(); // end of input
                assertEquals("* bye", out.readLine());
                assertTrue(client.waitFor(10, TimeUnit.SECONDS));
                assertEquals(0, client.exitValue());
                assertEquals("* alice left (1 online)", other.readLine());
            } finally {
                client.destroyForcibly();
            }
        }
    }

    @Test
    void leavesAtEndOfInputEvenOverTheRate() throws Exception {
        ChatSettings oneASecond = new ChatSettings(4096, 10, 1 << 20, Duration.ZERO, 1);
        try (RunningServer server = RunningServer.start(oneASecond)) {
            Process client = chatClient(server.chat().getPort());
            try {
                client.getOutputStream().write("one\ntwo\nthree\n".getBytes(StandardCharsets.UTF_8));
                client.getOutputStream().close(); // the client sends /quit right behind them
                assertTrue(client.waitFor(30, TimeUnit.SECONDS), "the client is still waiting for the close");
                String output = new String(client.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                assertTrue(output.strip().endsWith("* bye"), output);
            } finally {
                client.destroyForcibly();
            }
        }
    }

    @Test
    void turnedAwayIsTheServersLineAndExitThree() throws Exception {
        ChatSettings one = new ChatSettings(4096, 1, 1 << 20, Duration.ZERO, 0);
        try (RunningServer server = RunningServer.start(one);
             LineClient first = new LineClient(server.chat())) {
            assertTrue(first.readLine().startsWith("* welcome "));
            Process client = chatClient(server.chat().getPort());
            try {
                // Standard input stays open: the client did not quit, the server ended the session.
                assertTrue(client.waitFor(30, TimeUnit.SECONDS), "the client did not end with the connection");
                assertEquals(3, client.exitValue());
                assertEquals("! server full", new String(client.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip());
            } finally {
                client.destroyForcibly();
            }
        }
    }

    private static Process chatClient(int port, String... more) throws java.io.IOException {
        List<String> command = new java.util.ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", ServerProcess.jar().toString(), "chat", "--host", "127.0.0.1", "--port", String.valueOf(port)));
        command.addAll(List.of(more));
        return new ProcessBuilder(command).redirectErrorStream(true).start();
    }

    @Test
    void noServerIsOneLineAndExitOne() throws Exception {
        Process client = chatClient(1);
        String output = new String(client.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertTrue(client.waitFor(10, TimeUnit.SECONDS));
        assertEquals(1, client.exitValue());
        assertEquals(List.of("epollhub chat: cannot connect to 127.0.0.1:1: Connection refused"), output.lines().toList());
    }
}
