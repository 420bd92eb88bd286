package io.epollhub.it;

import io.epollhub.server.TransportChoice;
import io.epollhub.server.TriggerMode;
import io.netty.channel.Channel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollChannelConfig;
import io.netty.channel.epoll.EpollMode;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import org.junit.jupiter.api.Test;

import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The accepted channels of both services are what the flags promise: epoll and edge-triggered by default. */
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

    private static void assertChildChannels(TransportChoice transport, TriggerMode mode,
                                            Class<? extends Channel> type, EpollMode epollMode) throws Exception {
        try (RunningServer server = RunningServer.start(transport, mode);
             HttpConnection http = new HttpConnection(server.http());
             LineClient chat = new LineClient(server.chat())) {
            assertEquals(200, http.exchange("GET / HTTP/1.1\r\nHost: x\r\n\r\n").status());
            server.awaitChatClients(1);
            for (Set<Channel> channels : java.util.List.of(server.server.httpConnections(), server.server.chatRoom().members())) {
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
