package io.epollhub.server;

import io.epollhub.chat.ChatSettings;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Objects;

/**
 * Everything the server needs, built once from flags and environment, validated once. Nothing below
 * {@code main} reads a system property or an environment variable.
 *
 * @param workerThreads worker event loops; 0 means one per available core
 * @param reusePort each worker event loop listens on its own {@code SO_REUSEPORT} socket and accepts its own
 *                  connections, instead of the boss group accepting for all of them (epoll only)
 */
public record ServerConfig(
        String host,
        int httpPort,
        int chatPort,
        int bossThreads,
        int workerThreads,
        TransportChoice transport,
        TriggerMode epollMode,
        boolean reusePort,
        Duration shutdownTimeout,
        HttpConfig http,
        ChatSettings chat,
        TlsConfig tls) {

    public static final int MAX_CHAT_LINE = 1 << 20;
    /** Per group. Each epoll event loop holds three file descriptors and a thread; more than this helps nothing. */
    public static final int MAX_EVENT_LOOPS = 1024;
    /** A port of this value is not listened on. */
    public static final int OFF = -1;

    public ServerConfig {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(transport, "transport");
        Objects.requireNonNull(epollMode, "epollMode");
        Objects.requireNonNull(shutdownTimeout, "shutdownTimeout");
        Objects.requireNonNull(http, "http");
        Objects.requireNonNull(chat, "chat");
        Objects.requireNonNull(tls, "tls");
        checkPort("http", httpPort);
        checkPort("chat", chatPort);
        checkPort("https", tls.httpsPort());
        checkPort("chat-tls", tls.chatTlsPort());
        checkDistinct("http", httpPort, "chat", chatPort);
        if (tls.enabled()) {
            checkDistinct("http", httpPort, "https", tls.httpsPort());
            checkDistinct("http", httpPort, "chat-tls", tls.chatTlsPort());
            checkDistinct("chat", chatPort, "https", tls.httpsPort());
            checkDistinct("chat", chatPort, "chat-tls", tls.chatTlsPort());
            checkDistinct("https", tls.httpsPort(), "chat-tls", tls.chatTlsPort());
        }
        if (new InetSocketAddress(host, 0).isUnresolved()) {
            throw ConfigException.invalid("--host", "unknown host '" + host + "'");
        }
        if (bossThreads < 1 || bossThreads > MAX_EVENT_LOOPS) {
            throw ConfigException.invalid("--boss-threads",
                    "invalid boss threads " + bossThreads + " (must be 1-" + MAX_EVENT_LOOPS + ")");
        }
        if (workerThreads < 0 || workerThreads > MAX_EVENT_LOOPS) {
            throw ConfigException.invalid("--worker-threads",
                    "invalid worker threads " + workerThreads + " (must be 1-" + MAX_EVENT_LOOPS
                    + ", or 0 for one per core)");
        }
        if (shutdownTimeout.isNegative()) {
            throw ConfigException.invalid("--shutdown-timeout",
                    "invalid shutdown timeout " + shutdownTimeout + " (must not be negative)");
        }
    }

    /**
     * The chat limits from their flags, each checked with a message naming it.
     *
     * @throws ConfigException for a value out of range
     */
    public static ChatSettings chatSettings(int maxLine, int maxClients, long maxPending, Duration idleTimeout, double rate) {
        if (maxLine < 1 || maxLine > MAX_CHAT_LINE) {
            throw ConfigException.invalid("--chat-max-line",
                    "invalid chat max line " + maxLine + " (must be 1-" + MAX_CHAT_LINE + " bytes)");
        }
        if (maxClients < 1) {
            throw ConfigException.invalid("--chat-max-clients",
                    "invalid chat max clients " + maxClients + " (must be at least 1)");
        }
        if (maxPending < 1024 || maxPending > 1L << 31) {
            throw ConfigException.invalid("--chat-max-pending",
                    "invalid chat max pending " + maxPending + " (must be 1KiB-2GiB)");
        }
        if (idleTimeout.isNegative()) {
            throw ConfigException.invalid("--chat-idle-timeout",
                    "invalid chat idle timeout " + idleTimeout + " (must not be negative)");
        }
        if (!(rate >= 0) || Double.isInfinite(rate)) {
            throw ConfigException.invalid("--chat-rate",
                    "invalid chat rate " + rate + " (must be 0 for unlimited, or more)");
        }
        // 2GiB itself is one byte past an int: the byte makes no difference, refusing the documented bound would
        return new ChatSettings(maxLine, maxClients, (int) Math.min(maxPending, Integer.MAX_VALUE), idleTimeout, rate);
    }

    /** The documented defaults: every interface, ports 8080 and 9000, the best transport, edge-triggered, the boss accepting. */
    public static ServerConfig defaults() {
        return new ServerConfig("0.0.0.0", 8080, 9000, 1, 0, TransportChoice.AUTO, TriggerMode.EDGE, false,
                Duration.ofSeconds(5), HttpConfig.DEFAULTS, ChatSettings.DEFAULTS, TlsConfig.DISABLED);
    }

    public ServerConfig withAddress(String host, int httpPort, int chatPort) {
        return new ServerConfig(host, httpPort, chatPort, bossThreads, workerThreads, transport, epollMode,
                reusePort, shutdownTimeout, http, chat, tls);
    }

    public ServerConfig withTransport(TransportChoice transport, TriggerMode epollMode) {
        return new ServerConfig(host, httpPort, chatPort, bossThreads, workerThreads, transport, epollMode,
                reusePort, shutdownTimeout, http, chat, tls);
    }

    public ServerConfig withReusePort(boolean reusePort) {
        return new ServerConfig(host, httpPort, chatPort, bossThreads, workerThreads, transport, epollMode,
                reusePort, shutdownTimeout, http, chat, tls);
    }

    public ServerConfig withTls(TlsConfig tls) {
        return new ServerConfig(host, httpPort, chatPort, bossThreads, workerThreads, transport, epollMode,
                reusePort, shutdownTimeout, http, chat, tls);
    }

    public ServerConfig withHttp(HttpConfig http) {
        return new ServerConfig(host, httpPort, chatPort, bossThreads, workerThreads, transport, epollMode,
                reusePort, shutdownTimeout, http, chat, tls);
    }

    public ServerConfig withChat(ChatSettings chat) {
        return new ServerConfig(host, httpPort, chatPort, bossThreads, workerThreads, transport, epollMode,
                reusePort, shutdownTimeout, http, chat, tls);
    }

    /** The worker count with 0 resolved to the number of cores. */
    public int effectiveWorkerThreads() {
        return workerThreads == 0 ? Runtime.getRuntime().availableProcessors() : workerThreads;
    }

    private static void checkPort(String service, int port) {
        if (port != OFF && (port < 0 || port > 65535)) {
            throw ConfigException.invalid("--" + service + "-port",
                    "invalid " + service + " port " + port + " (must be 0-65535, or off)");
        }
    }

    private static void checkDistinct(String a, int portA, String b, int portB) {
        if (portA > 0 && portA == portB) {
            throw new ConfigException(a + " and " + b + " ports must differ (both are " + portA + ")")
                    .about("--" + a + "-port", "--" + b + "-port");
        }
    }
}
