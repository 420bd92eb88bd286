package io.epollhub.bench;

import io.epollhub.server.EpollhubServer;
import io.epollhub.server.ServerConfig;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
                    "--rate", "200", "--warmup", "1", "--duration", "2");
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
        } finally {
            server.stop();
        }
    }
}
