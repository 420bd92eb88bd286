package io.epollhub.http;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;

/**
 * Requests by route and status with their durations (from the request head to the response being written),
 * as one timer per pair: Prometheus gets {@code epollhub_http_requests_seconds_count}, {@code _sum} and
 * histogram buckets. Timers are looked up once per pair, not per request.
 */
final class HttpMetrics {

    private final MeterRegistry registry;
    private final ConcurrentMap<String, Timer> timers = new ConcurrentHashMap<>();

    HttpMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    void record(String route, int status, long nanos) {
        timers.computeIfAbsent(route + ' ' + status, key -> Timer.builder("epollhub.http.requests")
                        .description("HTTP requests answered, by route and status")
                        .tag("route", route)
                        .tag("status", Integer.toString(status))
                        .publishPercentileHistogram()
                        .register(registry))
                .record(nanos, TimeUnit.NANOSECONDS);
    }
}
