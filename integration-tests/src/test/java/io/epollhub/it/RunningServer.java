package io.epollhub.it;

import io.epollhub.chat.ChatSettings;
import io.epollhub.server.EpollhubServer;
import io.epollhub.server.HttpConfig;
import io.epollhub.server.ServerConfig;
import io.epollhub.server.TransportChoice;
import io.epollhub.server.TriggerMode;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** The real server in this JVM on loopback and ephemeral ports, so tests can also look inside it. */
final class RunningServer implements AutoCloseable {

    final EpollhubServer server;

    private RunningServer(ServerConfig config) {
        server = EpollhubServer.start(config);
    }

    static RunningServer start() {
        return start(TransportChoice.AUTO, TriggerMode.EDGE);
    }

    static RunningServer start(TransportChoice transport, TriggerMode mode) {
        return new RunningServer(loopback().withTransport(transport, mode));
    }

    static RunningServer start(TransportChoice transport, boolean reusePort) {
        return new RunningServer(loopback().withTransport(transport, TriggerMode.EDGE).withReusePort(reusePort));
    }

    static RunningServer start(HttpConfig http) {
        return new RunningServer(loopback().withHttp(http));
    }

    static RunningServer start(ChatSettings chat) {
        return new RunningServer(loopback().withChat(chat));
    }

    private static ServerConfig loopback() {
        return ServerConfig.defaults().withAddress("127.0.0.1", 0, 0);
    }

    InetSocketAddress http() {
        return new InetSocketAddress("127.0.0.1", server.httpAddress().getPort());
    }

    InetSocketAddress chat() {
        return new InetSocketAddress("127.0.0.1", server.chatAddress().getPort());
    }

    /** Waits (bounded) until the chat room holds {@code n} clients. */
    void awaitChatClients(int n) throws InterruptedException {
        await(() -> server.chatRoom().size() == n, 5, "chat room never held " + n + " clients");
    }

    /** One sample of this server's {@code /metrics}, read over a connection of its own; 0 before it is counted. */
    double metric(String sample) throws IOException {
        try (HttpConnection http = new HttpConnection(http())) {
            String text = http.exchange("GET /metrics HTTP/1.1\r\nHost: t\r\n\r\n").body();
            return text.contains("\n" + sample + " ") ? sample(text, sample) : 0;
        }
    }

    /** The value of {@code sample} (name and labels, as written) in metrics text; fails when it is not there. */
    static double sample(String text, String sample) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(sample) + " (\\S+)$").matcher(text);
        assertTrue(m.find(), "no sample " + sample);
        return Double.parseDouble(m.group(1));
    }

    static void await(BooleanSupplier condition, int seconds, String failure) throws InterruptedException {
        long deadline = System.nanoTime() + seconds * 1_000_000_000L;
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, failure);
            Thread.sleep(10);
        }
    }

    @Override
    public void close() {
        server.stop();
    }
}
