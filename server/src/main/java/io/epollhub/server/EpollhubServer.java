package io.epollhub.server;

import io.epollhub.chat.ChatRoom;
import io.epollhub.chat.ChatServerInitializer;
import io.epollhub.http.DrainEvent;
import io.epollhub.http.HttpServerInitializer;
import io.epollhub.http.HttpSettings;
import io.epollhub.metrics.TrafficCounter;
import io.epollhub.net.ServicePipeline;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.concurrent.DefaultEventExecutor;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.GlobalEventExecutor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.BindException;
import java.net.InetSocketAddress;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;

/**
 * Both services on one boss group and one worker group: the HTTP service and the chat room, each on
 * its own port. {@link #start} binds both or neither; {@link #stop} drains both within the configured bound.
 */
public final class EpollhubServer {

    private static final Logger log = LoggerFactory.getLogger(EpollhubServer.class);

    static final String SHUTDOWN_NOTICE = "* server shutting down";
    public static final String TLS_HANDLER = "tls";
    static final String TLS_HANDSHAKES = "tlsHandshakes";

    private final ServerConfig config;
    private final Transport transport;
    private final EventLoopGroup bossGroup;
    private final EventLoopGroup workerGroup;
    private final ThreadPoolExecutor blocking;
    private final EventExecutor roomExecutor;
    private final ChatRoom chatRoom;
    private final ChannelGroup httpConnections = new DefaultChannelGroup("http", GlobalEventExecutor.INSTANCE);
    private final Metrics metrics = new Metrics();
    private final AtomicBoolean stopping = new AtomicBoolean();
    private final CompletableFuture<Void> stopped = new CompletableFuture<>();
    /** Completed by {@link #cutShort}: the drain ends now, as when the shutdown timeout runs out. */
    private final CompletableFuture<Void> cutShort = new CompletableFuture<>();
    private final Tls tls;
    private Channel httpChannel;
    private Channel chatChannel;
    private Channel httpsChannel;
    private Channel chatTlsChannel;
    /** Every listening channel: one per service, or one per service and worker event loop with reuse-port. */
    private final List<Channel> listeners = new CopyOnWriteArrayList<>();

    private EpollhubServer(ServerConfig config, Transport transport) {
        this.config = config;
        this.transport = transport;
        try {
            this.tls = config.tls().enabled() ? Tls.start(config.tls(), metrics.registry()) : null;
        } catch (RuntimeException e) {
            metrics.close(); // nothing else exists yet
            throw e;
        }
        this.blocking = blockingExecutor(config.http().blockingThreads());
        this.roomExecutor = new DefaultEventExecutor(new DefaultThreadFactory("epollhub-chat-room"));
        this.chatRoom = new ChatRoom(roomExecutor, config.chat().maxClients());
        metrics.bindServer(httpConnections, chatRoom);
        EventLoopGroup boss = null;
        try {
            boss = transport.group(config.bossThreads(), "epollhub-boss");
            this.workerGroup = transport.group(config.effectiveWorkerThreads(), "epollhub-worker");
        } catch (ConfigException e) {
            if (boss != null) {
                boss.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
            }
            releaseServices(0);
            throw e;
        }
        this.bossGroup = boss;
    }

    /**
     * Binds both services and logs the one line that describes the running server.
     *
     * @throws ConfigException when the transport is unavailable or a port cannot be bound
     */
    public static EpollhubServer start(ServerConfig config) {
        Transport transport = Transport.select(config.transport());
        if (config.reusePort() && !transport.supportsReusePort()) {
            throw new ConfigException("reuse-port needs the epoll transport (this one is " + transport.describe(config.epollMode()) + ")");
        }
        EpollhubServer server = new EpollhubServer(config, transport);
        try {
            HttpServerInitializer http = new HttpServerInitializer(server.httpConnections, server.httpSettings());
            ChatServerInitializer chat = new ChatServerInitializer(server.chatRoom, config.chat());
            server.httpChannel = server.bind("http", config.httpPort(), http, null);
            server.chatChannel = server.bind("chat", config.chatPort(), chat, null);
            if (server.tls != null) {
                server.httpsChannel = server.bind("https", config.tls().httpsPort(), http, server.tls::newHttpHandler);
                server.chatTlsChannel = server.bind("chat-tls", config.tls().chatTlsPort(), chat, server.tls::newChatHandler);
            }
        } catch (RuntimeException e) {
            server.releaseResources();
            throw e;
        }
        StringBuilder addresses = new StringBuilder("http=" + server.format(server.httpChannel) + " chat="
                + server.format(server.chatChannel));
        if (server.tls != null) {
            addresses.append(" https=").append(server.format(server.httpsChannel))
                    .append(" chat-tls=").append(server.format(server.chatTlsChannel));
        }
        log.info("epollhub started: transport={} boss={} workers={} accept={} {}", transport.describe(config.epollMode()),
                config.bossThreads(), config.effectiveWorkerThreads(), config.reusePort() ? "workers (reuse-port)" : "boss",
                addresses);
        HttpConfig http = config.http();
        log.info("http: static={} files={} max-body={} blocking-threads={} header-timeout={} idle-timeout={}",
                orOff(http.staticDir()), orOff(http.filesDir()), http.maxBody(), http.blockingThreads(),
                DurationConverter.format(http.headerTimeout()), DurationConverter.format(http.idleTimeout()));
        return server;
    }

    private static Object orOff(Object setting) {
        return setting == null ? "off" : setting;
    }

    private HttpSettings httpSettings() {
        HttpConfig http = config.http();
        return new HttpSettings(http.staticDir(), http.filesDir(), http.maxBody(), http.headerTimeout(),
                http.idleTimeout(), blocking, metrics.registry(), http.metrics() ? metrics::scrape : null,
                () -> !stopping.get());
    }

    /** Bounded in threads, not in queue: uploads pace themselves by pausing their connection's reads. */
    private static ThreadPoolExecutor blockingExecutor(int threads) {
        ThreadPoolExecutor executor = new ThreadPoolExecutor(threads, threads, 60, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(), new DefaultThreadFactory("epollhub-blocking", true));
        executor.allowCoreThreadTimeOut(true);
        return executor;
    }

    /** Listens for {@code service} on {@code port}, with TLS in front when {@code tls} is given; {@code null} when off. */
    private Channel bind(String service, int port, ServicePipeline protocol, Function<ByteBufAllocator, SslHandler> tls) {
        if (port == ServerConfig.OFF) {
            return null;
        }
        ChannelInitializer<Channel> connection = connectionInitializer(new TrafficCounter(metrics.registry(), service),
                protocol, tls);
        AcceptFailures acceptFailures = new AcceptFailures(metrics.registry(), service);
        boolean deferAccept = tls != null || protocol.clientSpeaksFirst(); // a TLS client sends its hello first
        if (!config.reusePort()) {
            return listen(service, port, bossGroup, workerGroup, acceptFailures, connection, deferAccept);
        }
        // One listener per worker event loop, each accepting onto its own loop: the kernel spreads new connections
        // across them (as nginx's "listen ... reuseport" does), and no connection is handed from thread to thread.
        Channel first = null;
        for (EventExecutor executor : workerGroup) {
            EventLoop loop = (EventLoop) executor;
            Channel listener = listen(service, first == null ? port : address(first).getPort(), loop, loop,
                    acceptFailures, connection, deferAccept);
            first = first == null ? listener : first;
        }
        return first;
    }

    private Channel listen(String service, int port, EventLoopGroup acceptor, EventLoopGroup workers,
                           AcceptFailures acceptFailures, ChannelInitializer<Channel> connection, boolean deferAccept) {
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(acceptor, workers)
                .channel(transport.serverChannelClass())
                .option(ChannelOption.SO_REUSEADDR, true)
                .option(ChannelOption.SO_BACKLOG, 4096) // bursts of connects wait in the kernel, not refused
                .handler(acceptFailures)
                // TCP_NODELAY: Netty's default for accepted channels on Linux (both transports); setting it again
                // would cost every connection one more setsockopt(2).
                .childHandler(connection);
        transport.configure(bootstrap, config.epollMode(), config.reusePort(), deferAccept);
        ChannelFuture bound = bootstrap.bind(config.host(), port).awaitUninterruptibly();
        if (!bound.isSuccess()) {
            throw bindFailure(service, port, bound.cause());
        }
        listeners.add(bound.channel());
        return bound.channel();
    }

    private ChannelInitializer<Channel> connectionInitializer(TrafficCounter traffic, ServicePipeline protocol,
                                                              Function<ByteBufAllocator, SslHandler> tls) {
        return new ChannelInitializer<>() {
            @Override
            protected void initChannel(Channel ch) {
                ch.pipeline().addLast(TrafficCounter.NAME, traffic);
                if (tls != null) {
                    ch.pipeline().addLast(TLS_HANDLER, tls.apply(ch.alloc()));
                    ch.pipeline().addLast(TLS_HANDSHAKES, EpollhubServer.this.tls.handshakeCounter());
                }
                protocol.initChannel(ch);
            }
        };
    }

    /** Why {@code service} (the option's name: {@code chat-tls} for {@code --chat-tls-port}) cannot listen. */
    private ConfigException bindFailure(String service, int port, Throwable cause) {
        String reason = String.valueOf(cause.getMessage());
        String option = "--" + service + "-port";
        if (cause instanceof BindException || reason.contains("Address already in use")) {
            return ConfigException.invalid(option, service + " port " + port + " is already in use");
        }
        if (reason.contains("Permission denied") || reason.contains("Access denied")) {
            return ConfigException.invalid(option, service + " port " + port + " needs privileges this process lacks");
        }
        return new ConfigException("cannot listen for " + service + " on " + config.host() + ":" + port + ": " + reason)
                .about(option, "--host");
    }

    /** Where HTTP listens, or {@code null} when its port is off; likewise the others. */
    public InetSocketAddress httpAddress() {
        return address(httpChannel);
    }

    public InetSocketAddress chatAddress() {
        return address(chatChannel);
    }

    public InetSocketAddress httpsAddress() {
        return address(httpsChannel);
    }

    public InetSocketAddress chatTlsAddress() {
        return address(chatTlsChannel);
    }

    private static InetSocketAddress address(Channel channel) {
        return channel == null ? null : (InetSocketAddress) channel.localAddress();
    }

    /** Open HTTP connections, for diagnostics and tests (read-only). */
    public Set<Channel> httpConnections() {
        return Collections.unmodifiableSet(httpConnections);
    }

    /** The Prometheus text {@code /metrics} serves, for tests and diagnostics. */
    public String scrapeMetrics() {
        return metrics.scrape();
    }

    public ChatRoom chatRoom() {
        return chatRoom;
    }

    /** Completes once {@link #stop} has finished. */
    public CompletableFuture<Void> stopped() {
        return stopped;
    }

    /**
     * Stops accepting, tells every chat client {@value #SHUTDOWN_NOTICE}, lets HTTP connections finish the
     * responses they owe, then closes everything. Bounded by the configured shutdown timeout, or cut short by
     * {@link #cutShort}; safe to call more than once and from any thread but an event loop.
     */
    public void stop() {
        if (!stopping.compareAndSet(false, true)) {
            stopped.join();
            return;
        }
        long deadline = System.nanoTime() + config.shutdownTimeout().toNanos();
        log.info("epollhub shutting down: {} http and {} chat connections open", httpConnections.size(), chatRoom.size());
        try {
            for (Channel listener : listeners) {
                listener.close().awaitUninterruptibly(remainingMillis(deadline));
            }
            Future<Void> chatClosed = chatRoom.closeAll(SHUTDOWN_NOTICE);
            for (Channel connection : httpConnections) {
                connection.eventLoop().execute(() -> connection.pipeline().fireUserEventTriggered(DrainEvent.INSTANCE));
            }
            Future<Void> httpClosed = httpConnections.newCloseFuture();
            if (!drained(deadline, chatClosed, httpClosed)) {
                if (cutShort.isDone()) {
                    deadline = System.nanoTime(); // nothing more is waited for than after a timeout
                } else {
                    log.warn("shutdown timeout of {} ms reached: closing {} http and {} chat connections now",
                            config.shutdownTimeout().toMillis(), httpConnections.size(), chatRoom.size());
                }
            }
        } finally {
            releaseResources(deadline);
            log.info("epollhub stopped");
            stopped.complete(null);
        }
    }

    /**
     * Ends a {@link #stop} in progress at once, as if its timeout had run out: what is still open is closed. The
     * caller says why in the log. Before a stop, the stop that follows closes at once too.
     */
    public void cutShort() {
        cutShort.complete(null);
    }

    /** Whether both services closed every connection before the deadline and before {@link #cutShort}. */
    private boolean drained(long deadline, Future<Void> chatClosed, Future<Void> httpClosed) {
        CompletableFuture<Void> both = CompletableFuture.allOf(completion(chatClosed), completion(httpClosed));
        try {
            CompletableFuture.anyOf(both, cutShort).get(remainingMillis(deadline), TimeUnit.MILLISECONDS);
        } catch (TimeoutException | ExecutionException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
        return both.isDone();
    }

    private static CompletableFuture<Void> completion(Future<Void> future) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        future.addListener(f -> done.complete(null));
        return done;
    }

    private void releaseResources() {
        releaseResources(System.nanoTime() + config.shutdownTimeout().toNanos());
    }

    /** Closes whatever is still open: shutting a group down closes its channels. */
    private void releaseResources(long deadline) {
        long timeout = Math.max(remainingMillis(deadline), 100);
        Future<?> boss = bossGroup.shutdownGracefully(0, timeout, TimeUnit.MILLISECONDS);
        Future<?> workers = workerGroup.shutdownGracefully(0, timeout, TimeUnit.MILLISECONDS);
        boss.awaitUninterruptibly(timeout);
        workers.awaitUninterruptibly(timeout);
        releaseServices(timeout);
    }

    /** What the constructor starts before the event loops; the room's executor gets {@code timeoutMillis} to finish. */
    private void releaseServices(long timeoutMillis) {
        roomExecutor.shutdownGracefully(0, timeoutMillis, TimeUnit.MILLISECONDS).awaitUninterruptibly(timeoutMillis);
        blocking.shutdownNow();
        if (tls != null) {
            tls.close();
        }
        metrics.close();
    }

    private static long remainingMillis(long deadline) {
        return Math.max(0, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()));
    }

    /** The configured host (as the user wrote it) with the port actually bound, or {@code off}. */
    private String format(Channel listener) {
        if (listener == null) {
            return "off";
        }
        String host = config.host();
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + address(listener).getPort();
    }
}
