package io.epollhub.it;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;

/** What {@code nc host port} is to a person: write bytes, read CRLF-terminated lines, with time limits. */
final class LineClient implements AutoCloseable {

    static final int TIMEOUT_MS = 5_000;

    private final Socket socket;
    private final BufferedReader in;
    private final OutputStream out;

    LineClient(InetSocketAddress address) throws IOException {
        socket = new Socket();
        socket.connect(address, TIMEOUT_MS);
        socket.setSoTimeout(TIMEOUT_MS);
        socket.setTcpNoDelay(true);
        in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
        out = socket.getOutputStream();
    }

    /**
     * Connects {@code n} clients one after another, each reading its welcome and every earlier client reading
     * its join notice, so that all are in the room and no greeting is left unread.
     */
    static java.util.List<LineClient> joinRoom(InetSocketAddress address, int n) throws IOException {
        java.util.List<LineClient> clients = new java.util.ArrayList<>();
        for (int i = 0; i < n; i++) {
            LineClient client = new LineClient(address);
            String welcome = client.readLine();
            if (!welcome.startsWith("* welcome ")) {
                throw new AssertionError("expected a welcome, got: " + welcome);
            }
            for (LineClient earlier : clients) {
                String joined = earlier.readLine();
                if (!joined.contains(" joined (")) {
                    throw new AssertionError("expected a join notice, got: " + joined);
                }
            }
            clients.add(client);
        }
        return clients;
    }

    /** The nick the server gave this client, from its welcome line. */
    static String nickIn(String welcome) {
        return welcome.substring("* welcome ".length(), welcome.indexOf(','));
    }

    /** The raw streams, for tests that move much more than a few lines. */
    OutputStream output() {
        return out;
    }

    java.io.InputStream input() throws IOException {
        return socket.getInputStream();
    }

    void send(String text) throws IOException {
        sendBytes(text.getBytes(StandardCharsets.UTF_8));
    }

    void sendBytes(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    /** The next line, without its CRLF; fails on timeout or end of stream. */
    String readLine() throws IOException {
        String line = in.readLine();
        if (line == null) {
            throw new IOException("connection closed while a line was expected");
        }
        return line;
    }

    /** Whether the server has closed the connection (reads to end of stream, within the timeout). */
    boolean closedByServer() throws IOException {
        try {
            return in.readLine() == null;
        } catch (SocketTimeoutException e) {
            return false;
        }
    }

    /** The first line that {@code wanted} accepts, skipping the ones before it. */
    String readUntil(java.util.function.Predicate<String> wanted) throws IOException {
        for (String line; ; ) {
            line = readLine();
            if (wanted.test(line)) {
                return line;
            }
        }
    }

    /** Every line that arrives until none has for {@code millis}. */
    java.util.List<String> linesUntilSilent(int millis) throws IOException {
        java.util.List<String> lines = new java.util.ArrayList<>();
        socket.setSoTimeout(millis);
        try {
            for (String line; (line = in.readLine()) != null; ) {
                lines.add(line);
            }
        } catch (SocketTimeoutException e) {
            // silent now
        } finally {
            socket.setSoTimeout(TIMEOUT_MS);
        }
        return lines;
    }

    /** Whether nothing arrives within {@code millis}. */
    boolean silentFor(int millis) throws IOException {
        socket.setSoTimeout(millis);
        try {
            String line = in.readLine();
            if (line != null) {
                throw new AssertionError("expected silence, got: " + line);
            }
            return true;
        } catch (SocketTimeoutException e) {
            return true;
        } finally {
            socket.setSoTimeout(TIMEOUT_MS);
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
