package io.epollhub.server;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Objects;

/**
 * Everything the server needs, built once from flags and environment, validated once. Nothing below
 * {@code main} reads a system property or an environment variable.
 *
 * @param workerThreads worker event loops; 0 means one per available core
 */
public record ServerConfig(
        String host,
        int httpPort,
        int chatPort,
        int bossThreads,
        int workerThreads,
        TransportChoice transport,
        TriggerMode epollMode,
        Duration shutdownTimeout,
        int chatMaxLine) {

    public static final int MAX_CHAT_LINE = 1 << 20;

    public ServerConfig {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(transport, "transport");
        Objects.requireNonNull(epollMode, "epollMode");
        Objects.requireNonNull(shutdownTimeout, "shutdownTimeout");
        checkPort("http", httpPort);
        checkPort("chat", chatPort);
        if (httpPort != 0 && httpPort == chatPort) {
            throw new ConfigException("http and chat ports must differ (both are " + httpPort + ")");
        }
        if (new InetSocketAddress(host, 0).isUnresolved()) {
            throw new ConfigException("unknown host '" + host + "'");
        }
        if (bossThreads < 1) {
            throw new ConfigException("invalid boss threads " + bossThreads + " (must be at least 1)");
        }
        if (workerThreads < 0) {
            throw new ConfigException("invalid worker threads " + workerThreads + " (must be at least 1, or 0 for one per core)");
        }
        if (shutdownTimeout.isNegative()) {
            throw new ConfigException("invalid shutdown timeout " + shutdownTimeout + " (must not be negative)");
        }
        if (chatMaxLine < 1 || chatMaxLine > MAX_CHAT_LINE) {
            throw new ConfigException("invalid chat max line " + chatMaxLine + " (must be 1-" + MAX_CHAT_LINE + " bytes)");
        }
    }

    /** The documented defaults: every interface, ports 8080 and 9000, the best transport, edge-triggered. */
    public static ServerConfig defaults() {
        return new ServerConfig("0.0.0.0", 8080, 9000, 1, 0, TransportChoice.AUTO, TriggerMode.EDGE,
                Duration.ofSeconds(5), 4096);
    }

    public ServerConfig withAddress(String host, int httpPort, int chatPort) {
        return new ServerConfig(host, httpPort, chatPort, bossThreads, workerThreads, transport, epollMode,
                shutdownTimeout, chatMaxLine);
    }

    public ServerConfig withTransport(TransportChoice transport, TriggerMode epollMode) {
        return new ServerConfig(host, httpPort, chatPort, bossThreads, workerThreads, transport, epollMode,
                shutdownTimeout, chatMaxLine);
    }

    /** The worker count with 0 resolved to the number of cores. */
    public int effectiveWorkerThreads() {
        return workerThreads == 0 ? Runtime.getRuntime().availableProcessors() : workerThreads;
    }

    private static void checkPort(String service, int port) {
        if (port < 0 || port > 65535) {
            throw new ConfigException("invalid " + service + " port " + port + " (must be 0-65535)");
        }
    }
}
