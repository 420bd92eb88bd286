package io.epollhub.it;

import org.junit.jupiter.api.Test;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Clients that stop reading are cut, the ones that read get everything in order, and the server's memory
 * stays bounded throughout. The bound is enforced, not sampled: the server runs with 64 MiB of heap and 36 MiB
 * of direct memory, where 20 non-readers queuing the whole flood would need 4 GB, so needing more would fail it
 * with an OutOfMemoryError. Most of that heap is the leak detector's: at paranoid it records where each queued
 * line was touched, and the live heap peaks at about 45 MiB (7 MiB with it off); 48 MiB left too little room.
 */
class SlowConsumerIT {

    private static final int NON_READERS = 20;
    private static final int READERS = 5;
    private static final long TOTAL_BYTES = 200L << 20;
    private static final int LINE_BYTES = 4000;
    private static final long LINES = TOTAL_BYTES / LINE_BYTES;

    @Test
    void nonReadersAreCutReadersGetEveryLineInOrderMemoryStaysBounded() throws Exception {
        List<String> caps = List.of("-Xmx64m", "-XX:MaxDirectMemorySize=36m");
        try (ServerProcess server = ServerProcess.start(caps, "--host", "127.0.0.1", "--http-port", "0", "--chat-port", "0",
                "--chat-max-pending", "1MiB").awaitStarted()) {
            List<LineClient> room = LineClient.joinRoom(server.chat(), 1 + READERS);
            List<Socket> stalled = new ArrayList<>();
            for (int i = 0; i < NON_READERS; i++) {
                Socket socket = new Socket();
                socket.setReceiveBufferSize(4096); // fill up fast, never read
                socket.connect(server.chat(), LineClient.TIMEOUT_MS);
                stalled.add(socket);
            }
            ExecutorService pool = Executors.newFixedThreadPool(READERS);
            try {
                List<Future<Long>> received = new ArrayList<>();
                for (int i = 1; i <= READERS; i++) {
                    LineClient reader = room.get(i);
                    received.add(pool.submit(() -> readInOrder(reader)));
                }
                Thread.sleep(500); // let the non-readers join before the flood
                send(room.get(0));
                for (Future<Long> lines : received) {
                    assertEquals(LINES, lines.get(120, TimeUnit.SECONDS), "lines a reader received in order");
                }
            } finally {
                pool.shutdownNow();
            }
            for (Socket socket : stalled) {
                socket.setSoTimeout(LineClient.TIMEOUT_MS);
                assertTrue(drainsToEnd(socket.getInputStream()), "a non-reader was not cut");
                socket.close();
            }
            try (HttpConnection http = new HttpConnection(server.http())) {
                assertEquals(200, http.exchange("GET / HTTP/1.1\r\nHost: x\r\n\r\n").status(), "server still serving");
            }
            for (LineClient client : room) {
                client.close();
            }
            String output = server.output();
            assertEquals(NON_READERS, output.split("cut as a slow consumer", -1).length - 1, output);
            assertFalse(output.contains("OutOfMemoryError"), output);
            assertFalse(output.contains("OutOfDirectMemoryError"), output);
            assertFalse(output.contains("LEAK:"), output);
        }
    }

    private static void send(LineClient sender) throws IOException {
        byte[] padding = "x".repeat(LINE_BYTES - 10).getBytes(StandardCharsets.US_ASCII);
        OutputStream out = new BufferedOutputStream(sender.output(), 1 << 20);
        for (long i = 0; i < LINES; i++) {
            out.write(String.format("%08d ", i).getBytes(StandardCharsets.US_ASCII));
            out.write(padding);
            out.write('\n');
        }
        out.flush();
    }

    /**
     * Counts the sender's lines, failing on a gap or a reordering; server notices are skipped. Reads in
     * large chunks: a reader slower than the server's fan-out would rightly be cut as a slow consumer.
     */
    private static long readInOrder(LineClient reader) throws IOException {
        InputStream in = reader.input();
        byte[] buf = new byte[1 << 18];
        byte[] line = new byte[LINE_BYTES + 64];
        int lineLength = 0;
        long expected = 0;
        while (expected < LINES) {
            int n = in.read(buf);
            if (n < 0) {
                throw new IOException("reader cut after " + expected + " lines");
            }
            for (int i = 0; i < n; i++) {
                byte b = buf[i];
                if (b != '\n') {
                    if (lineLength < line.length) {
                        line[lineLength++] = b;
                    }
                    continue;
                }
                if (line[0] != '*') { // "[guest-1] 00000042 xxx...\r"
                    long seq = Long.parseLong(new String(line, 10, 8, StandardCharsets.US_ASCII));
                    if (seq != expected) {
                        throw new AssertionError("expected line " + expected + ", got " + seq);
                    }
                    expected++;
                }
                lineLength = 0;
            }
        }
        return expected;
    }

    /** Reads whatever the server had queued until it closed: true once end of stream is reached. */
    private static boolean drainsToEnd(InputStream in) throws IOException {
        byte[] buf = new byte[1 << 16];
        try {
            while (in.read(buf) >= 0) {
                // discard
            }
            return true;
        } catch (java.net.SocketException e) {
            return true; // reset by the server: cut as well
        }
    }
}
