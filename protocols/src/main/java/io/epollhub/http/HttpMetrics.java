package io.epollhub.http;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * Requests by route and status with their durations (from the request head to the response being written),
 * as one timer per pair: Prometheus gets {@code epollhub_http_requests_seconds_count}, {@code _sum} and
 * histogram buckets. Timers are looked up once per pair, not per request.
 */
final class HttpMetrics {

    private final MeterRegistry registry;
    /** Per route, timers indexed by status code: two lookups and no allocation per request. */
    private final ConcurrentMap<String, AtomicReferenceArray<Timer>> timers = new ConcurrentHashMap<>();

    HttpMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    void record(String route, int status, long nanos) {
        AtomicReferenceArray<Timer> byStatus = timers.computeIfAbsent(route, r -> new AtomicReferenceArray<>(600));
        Timer timer = byStatus.get(status);
        if (timer == null) {
            timer = Timer.builder("epollhub.http.requests")
                    .description("HTTP requests answered, by route and status")
                    .tag("route", route)
                    .tag("status", Integer.toString(status))
                    .publishPercentileHistogram()
                    .register(registry); // the registry returns the same timer to racing threads
            byStatus.set(status, timer);
        }
        timer.record(nanos, TimeUnit.NANOSECONDS);
    }
}
