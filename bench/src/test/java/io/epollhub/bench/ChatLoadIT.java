package io.epollhub.bench;

import io.epollhub.server.EpollhubServer;
import io.epollhub.server.ServerConfig;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The load generator against the real server: every receiver gets every message at a fixed rate. */
class ChatLoadIT {

    private static final Pattern RESULT = Pattern.compile(
            "RESULT target=epollhub connected=(\\d+) sent_per_s=(\\d+) delivered_per_s=(\\d+) p50_ms=([\\d.]+)");

    @Test
    void measuresDeliveriesAtAFixedRate() {
        EpollhubServer server = EpollhubServer.start(ServerConfig.defaults().withAddress("127.0.0.1", 0, 0));
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            int status = ChatLoad.run(new PrintStream(out, true, StandardCharsets.UTF_8), "--port",
                    String.valueOf(server.chatAddress().getPort()), "--clients", "11", "--senders", "1",
                    "--rate", "200", "--warmup", "1", "--duration", "2",
                    "--server-pid", String.valueOf(ProcessHandle.current().pid())); // the server runs in this JVM
            String report = out.toString(StandardCharsets.UTF_8);
            assertEquals(0, status, report);
            Matcher m = RESULT.matcher(report);
            assertTrue(m.find(), report);
            assertEquals(11, Integer.parseInt(m.group(1)), report);
            double sent = Double.parseDouble(m.group(2));
            double delivered = Double.parseDouble(m.group(3));
            assertTrue(sent > 150 && sent < 250, "sent about 200/s: " + report);
            assertTrue(delivered > sent * 10 * 0.9 && delivered < sent * 10 * 1.1, "each of 10 receivers got each: " + report);
            assertTrue(Double.parseDouble(m.group(4)) < 1000, report);
            Matcher cpu = Pattern.compile("loadgen_cores=([\\d.]+) server_cores=([\\d.]+)$", Pattern.MULTILINE).matcher(report);
            assertTrue(cpu.find(), report);
            assertTrue(Double.parseDouble(cpu.group(2)) > 0, "the server's CPU, read from /proc: " + report);
            assertTrue(Math.abs(Double.parseDouble(cpu.group(2)) - Double.parseDouble(cpu.group(1))) <= 0.1,
                    "the same process, counted both ways, differs: " + report);
        } finally {
            server.stop();
        }
    }

    @Test
    void aPortNothingListensOnIsAnErrorAtOnceNotAMeasurement() throws Exception {
        int port;
        try (ServerSocket probe = new ServerSocket(0)) {
            port = probe.getLocalPort(); // free once closed: nothing listens there
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        long start = System.nanoTime();
        int status = ChatLoad.run(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8),
                "--port", String.valueOf(port), "--clients", "5", "--warmup", "0", "--duration", "1");
        long seconds = (System.nanoTime() - start) / 1_000_000_000L;
        String errors = err.toString(StandardCharsets.UTF_8);
        assertEquals(1, status, errors);
        assertTrue(errors.startsWith("error: no connection to 127.0.0.1:" + port + " opened ("), errors);
        assertTrue(errors.contains("Connection refused"), errors);
        assertFalse(out.toString(StandardCharsets.UTF_8).contains("RESULT"), "no figures for no run");
        assertTrue(seconds < 30, "not the minute the run waits for silent connections: " + seconds + " s");
    }

    @Test
    void aBadOptionIsAUsageErrorOnTheGivenStream() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = ChatLoad.run(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), "--clients", "3", "--senders", "3");
        String errors = err.toString(StandardCharsets.UTF_8);
        assertEquals(2, status, errors);
        assertTrue(errors.contains("need 1 <= senders < clients"), errors);
    }
}
