package io.epollhub.server;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.channel.epoll.EpollMode;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Locale;

/** The one place that knows epoll from NIO: event loop groups, server channel class, channel options. */
public enum Transport {

    EPOLL {
        @Override
        EventLoopGroup newGroup(int threads, String name) {
            return new EpollEventLoopGroup(threads, new DefaultThreadFactory(name));
        }

        @Override
        Class<? extends ServerChannel> serverChannelClass() {
            return EpollServerSocketChannel.class;
        }

        @Override
        boolean supportsReusePort() {
            return true;
        }

        @Override
        void configure(ServerBootstrap bootstrap, TriggerMode mode, boolean reusePort, boolean deferAccept) {
            if (reusePort) {
                bootstrap.option(EpollChannelOption.SO_REUSEPORT, true);
            }
            if (deferAccept) {
                // One second, as nginx's "listen ... deferred": after it, a connection that sent nothing is
                // accepted anyway and meets the header timeout.
                bootstrap.option(EpollChannelOption.TCP_DEFER_ACCEPT, 1);
            }
            // Set explicitly, not left to Netty's default: edge-triggered is what this server is built on,
            // and --epoll-mode level exists so benchmarks can compare the two.
            EpollMode epollMode = mode == TriggerMode.EDGE ? EpollMode.EDGE_TRIGGERED : EpollMode.LEVEL_TRIGGERED;
            bootstrap.option(EpollChannelOption.EPOLL_MODE, epollMode);
            bootstrap.childOption(EpollChannelOption.EPOLL_MODE, epollMode);
        }

        @Override
        String describe(TriggerMode mode) {
            return "epoll (" + mode.name().toLowerCase(Locale.ROOT) + "-triggered)";
        }
    },

    NIO {
        @Override
        EventLoopGroup newGroup(int threads, String name) {
            return new NioEventLoopGroup(threads, new DefaultThreadFactory(name));
        }

        @Override
        Class<? extends ServerChannel> serverChannelClass() {
            return NioServerSocketChannel.class;
        }

        @Override
        boolean supportsReusePort() {
            return false;
        }

        @Override
        void configure(ServerBootstrap bootstrap, TriggerMode mode, boolean reusePort, boolean deferAccept) {
            // reusePort is never true here: EpollhubServer.start refuses it where it is not supported.
            // NIO's selector is level-triggered; there is nothing to choose. The JDK has no TCP_DEFER_ACCEPT.
        }

        @Override
        String describe(TriggerMode mode) {
            return "nio";
        }
    };

    private static final Logger log = LoggerFactory.getLogger(Transport.class);

    abstract EventLoopGroup newGroup(int threads, String name);

    /**
     * A group of {@code threads} event loops named {@code name}.
     *
     * @throws ConfigException when the system refuses them (each epoll loop takes three file descriptors)
     */
    EventLoopGroup group(int threads, String name) {
        try {
            return newGroup(threads, name);
        } catch (IllegalStateException e) {
            Throwable cause = e;
            while (cause.getCause() != null) {
                cause = cause.getCause();
            }
            throw new ConfigException("cannot start " + threads + " event loops for " + name + ": " + cause.getMessage());
        }
    }

    abstract Class<? extends ServerChannel> serverChannelClass();

    /** Whether each worker event loop can listen on its own {@code SO_REUSEPORT} socket. */
    abstract boolean supportsReusePort();

    /**
     * Sets the listening socket's options: {@code SO_REUSEPORT} when {@code reusePort}, the trigger mode, and
     * when {@code deferAccept} (a service whose clients speak first) {@code TCP_DEFER_ACCEPT} where supported.
     */
    abstract void configure(ServerBootstrap bootstrap, TriggerMode mode, boolean reusePort, boolean deferAccept);

    abstract String describe(TriggerMode mode);

    /** The transport {@code choice} asks for, or a {@link ConfigException} when epoll was required but cannot load. */
    static Transport select(TransportChoice choice) {
        return switch (choice) {
            case NIO -> NIO;
            case EPOLL -> {
                if (!Epoll.isAvailable()) {
                    throw new ConfigException("transport epoll is not available on this machine: "
                            + Epoll.unavailabilityCause() + " (use --transport auto or nio)");
                }
                yield EPOLL;
            }
            case AUTO -> {
                if (Epoll.isAvailable()) {
                    yield EPOLL;
                }
                log.warn("epoll is not available, falling back to NIO: {}", String.valueOf(Epoll.unavailabilityCause()));
                yield NIO;
            }
        };
    }
}
