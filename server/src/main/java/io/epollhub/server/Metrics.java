package io.epollhub.server;

import io.epollhub.chat.ChatRoom;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.netty4.NettyAllocatorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.Channel;

import java.util.Set;

/**
 * The server's Prometheus registry: JVM (heap, direct buffers, GC, threads), Netty's pooled allocator, and the
 * server's own meters. The HTTP and chat code record into it through Micrometer; this class adds the meters
 * that read state owned by the server (open connections, the chat room's counters).
 */
final class Metrics implements AutoCloseable {

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final JvmGcMetrics gc = new JvmGcMetrics();

    Metrics() {
        new JvmMemoryMetrics().bindTo(registry);
        gc.bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        new NettyAllocatorMetrics(PooledByteBufAllocator.DEFAULT).bindTo(registry);
    }

    PrometheusMeterRegistry registry() {
        return registry;
    }

    String scrape() {
        return registry.scrape();
    }

    void bindServer(Set<Channel> httpConnections, ChatRoom room) {
        Gauge.builder("epollhub.connections", httpConnections, Set::size).tag("service", "http")
                .description("Open connections").register(registry);
        Gauge.builder("epollhub.connections", room, ChatRoom::size).tag("service", "chat")
                .description("Open connections").register(registry);
        Gauge.builder("epollhub.chat.clients", room, ChatRoom::size)
                .description("Chat clients in the room").register(registry);
        FunctionCounter.builder("epollhub.chat.messages.received", room, ChatRoom::messagesReceived)
                .description("Chat lines clients sent to the room").register(registry);
        FunctionCounter.builder("epollhub.chat.messages.delivered", room, ChatRoom::messagesDelivered)
                .description("Copies of chat lines handed to recipients").register(registry);
        FunctionCounter.builder("epollhub.chat.slow.consumer.cuts", room, ChatRoom::slowConsumerCuts)
                .description("Chat clients cut because their unread output passed --chat-max-pending").register(registry);
        FunctionCounter.builder("epollhub.connections.rejected", room, ChatRoom::rejectedClients).tag("service", "chat")
                .description("Connections turned away at --chat-max-clients").register(registry);
    }

    @Override
    public void close() {
        gc.close();
        registry.close();
    }
}
