package io.epollhub.it;

import io.epollhub.server.ConfigException;
import io.epollhub.server.EpollhubServer;
import io.epollhub.server.ServerConfig;
import io.epollhub.server.TransportChoice;
import io.epollhub.server.TriggerMode;
import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollChannelConfig;
import io.netty.channel.epoll.EpollMode;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The accepted channels of both services are what the flags promise: epoll and edge-triggered by default, accepted
 * by the boss, or by each worker's own listener with reuse-port.
 */
class TransportIT {

    @Test
    void workerChannelsAreEpollAndEdgeTriggeredByDefault() throws Exception {
        assumeTrue(Epoll.isAvailable(), () -> "epoll unavailable here: " + Epoll.unavailabilityCause());
        assertChildChannels(TransportChoice.AUTO, TriggerMode.EDGE, EpollSocketChannel.class, EpollMode.EDGE_TRIGGERED);
    }

    @Test
    void levelTriggeredWhenAsked() throws Exception {
        assumeTrue(Epoll.isAvailable(), () -> "epoll unavailable here: " + Epoll.unavailabilityCause());
        assertChildChannels(TransportChoice.EPOLL, TriggerMode.LEVEL, EpollSocketChannel.class, EpollMode.LEVEL_TRIGGERED);
    }

    @Test
    void nioWhenAsked() throws Exception {
        assertChildChannels(TransportChoice.NIO, TriggerMode.EDGE, NioSocketChannel.class, null);
    }

    @Test
    void reusePortListensOncePerWorkerAndEachAcceptsOntoItsOwnLoop() throws Exception {
        assumeTrue(Epoll.isAvailable(), () -> "epoll unavailable here: " + Epoll.unavailabilityCause());
        int workers = ServerConfig.defaults().effectiveWorkerThreads();
        int port;
        List<HttpConnection> connections = new ArrayList<>();
        try (RunningServer server = RunningServer.start(TransportChoice.EPOLL, true)) {
            port = server.http().getPort();
            assertEquals(workers, listeningSockets(port), "one listening socket per worker event loop");
            try {
                for (int i = 0; i < 64; i++) {
                    HttpConnection http = new HttpConnection(server.http());
                    connections.add(http);
                    assertEquals(200, http.exchange("GET / HTTP/1.1\r\nHost: x\r\n\r\n").status());
                }
                assertAcceptedOntoOwnLoops(server.server.httpConnections(), workers);
            } finally {
                for (HttpConnection http : connections) {
                    http.close();
                }
            }
        }
        assertEquals(0, listeningSockets(port), "stop closes every listener");
    }

    @Test
    void reusePortChatRoomSpansTheWorkersListeners() throws Exception {
        assumeTrue(Epoll.isAvailable(), () -> "epoll unavailable here: " + Epoll.unavailabilityCause());
        int workers = ServerConfig.defaults().effectiveWorkerThreads();
        try (RunningServer server = RunningServer.start(TransportChoice.EPOLL, true)) {
            assertEquals(workers, listeningSockets(server.chat().getPort()), "one chat listener per worker event loop");
            List<LineClient> clients = LineClient.joinRoom(server.chat(), 32);
            try {
                assertAcceptedOntoOwnLoops(server.server.chatRoom().members(), workers);
                clients.get(0).send("hello across loops\n");
                for (LineClient other : clients.subList(1, clients.size())) {
                    assertEquals("[guest-1] hello across loops", other.readLine());
                }
            } finally {
                for (LineClient client : clients) {
                    client.close();
                }
            }
        }
    }

    /** Each connection is served by the event loop whose listener accepted it, and every worker's listener took some. */
    private static void assertAcceptedOntoOwnLoops(Set<Channel> connections, int workers) {
        Set<EventLoop> loops = new HashSet<>();
        for (Channel child : connections) {
            assertSame(child.parent().eventLoop(), child.eventLoop(), "served on the loop that accepted it");
            loops.add(child.eventLoop());
        }
        // The kernel spreads connections by a hash: 32 or more all on one of two listeners has odds below 2^-31.
        assertEquals(workers, loops.size(), "every worker's listener accepted some connections");
    }

    @Test
    void anHttpConnectionWaitsInTheKernelForItsRequestAChatClientIsGreetedAtOnce() throws Exception {
        assumeTrue(Epoll.isAvailable(), () -> "epoll unavailable here: " + Epoll.unavailabilityCause());
        for (boolean reusePort : List.of(false, true)) {
            try (RunningServer server = RunningServer.start(TransportChoice.EPOLL, reusePort);
                 HttpConnection silent = new HttpConnection(server.http())) {
                long start = System.nanoTime();
                try (LineClient chat = new LineClient(server.chat())) {
                    assertTrue(chat.readLine().startsWith("* welcome "));
                    long millis = (System.nanoTime() - start) / 1_000_000;
                    assertTrue(millis < 500, "chat greets first, so its accept is not deferred: " + millis + " ms");
                }
                assertEquals(Set.of(), server.server.httpConnections(), "the silent connection is still the kernel's");
                assertEquals(200, silent.exchange("GET / HTTP/1.1\r\nHost: x\r\n\r\n").status());
                Channel http = server.server.httpConnections().iterator().next();
                assertEquals(1, ((EpollServerSocketChannel) http.parent()).config().getTcpDeferAccept(), "as nginx's deferred");
            }
        }
    }

    @Test
    void bossAcceptsAndHandsOffWithoutReusePort() throws Exception {
        try (RunningServer server = RunningServer.start(TransportChoice.AUTO, false);
             HttpConnection http = new HttpConnection(server.http())) {
            assertEquals(1, listeningSockets(server.http().getPort()));
            assertEquals(200, http.exchange("GET / HTTP/1.1\r\nHost: x\r\n\r\n").status());
            Channel child = server.server.httpConnections().iterator().next();
            assertNotSame(child.parent().eventLoop(), child.eventLoop(), "accepted by the boss, served by a worker");
        }
    }

    @Test
    void reusePortStillRefusesAPortAnotherListenerHolds() throws Exception {
        assumeTrue(Epoll.isAvailable(), () -> "epoll unavailable here: " + Epoll.unavailabilityCause());
        try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            int port = taken.getLocalPort();
            ServerConfig config = ServerConfig.defaults().withAddress("127.0.0.1", port, 0)
                    .withTransport(TransportChoice.EPOLL, TriggerMode.EDGE).withReusePort(true);
            ConfigException e = assertThrows(ConfigException.class, () -> EpollhubServer.start(config));
            assertEquals("http port " + port + " is already in use", e.getMessage());
        }
    }

    @Test
    void reusePortNeedsEpoll() {
        ConfigException e = assertThrows(ConfigException.class, () -> RunningServer.start(TransportChoice.NIO, true));
        assertEquals("reuse-port needs the epoll transport (this one is nio)", e.getMessage());
    }

    /**
     * Sockets listening on 127.0.0.1:{@code port}, counted from {@code /proc/net/tcp} and {@code tcp6} (an IPv6
     * socket shows it as {@code ::ffff:127.0.0.1}); state 0A is LISTEN.
     */
    private static int listeningSockets(int port) throws IOException {
        String local = String.format(Locale.ROOT, "0100007F:%04X", port);
        int count = 0;
        for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
            for (String line : Files.readAllLines(Path.of(table))) {
                String[] fields = line.trim().split("\\s+");
                if (fields.length > 3 && fields[1].endsWith(local) && fields[3].equals("0A")) {
                    count++;
                }
            }
        }
        return count;
    }

    private static void assertChildChannels(TransportChoice transport, TriggerMode mode,
                                            Class<? extends Channel> type, EpollMode epollMode) throws Exception {
        try (RunningServer server = RunningServer.start(transport, mode);
             HttpConnection http = new HttpConnection(server.http());
             LineClient chat = new LineClient(server.chat())) {
            assertEquals(200, http.exchange("GET / HTTP/1.1\r\nHost: x\r\n\r\n").status());
            server.awaitChatClients(1);
            for (Set<Channel> channels : List.of(server.server.httpConnections(), server.server.chatRoom().members())) {
                assertEquals(1, channels.size());
                Channel child = channels.iterator().next();
                assertSame(type, child.getClass());
                if (epollMode != null) {
                    assertEquals(epollMode, ((EpollChannelConfig) child.config()).getEpollMode());
                }
            }
        }
    }
}
