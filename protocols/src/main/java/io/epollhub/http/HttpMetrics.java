package io.epollhub.http;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.prometheus.metrics.core.datapoints.DistributionDataPoint;
import io.prometheus.metrics.core.metrics.Histogram;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * Requests by route and status with their durations (from the read that completed the request head to the
 * response being written), as one Prometheus histogram: {@code epollhub_http_requests_seconds_count},
 * {@code _sum} and {@code _bucket{le}}, by {@code route} and {@code status}.
 *
 * <p>It is the Prometheus client's own histogram, registered beside the Micrometer meters in the same registry,
 * rather than a Micrometer timer: every event loop records every request here, and the timer's shared bucket
 * counters, time-windowed maximum and two clock reads per recording made this a third of the pipelined
 * request's CPU. The client's histogram counts in striped adders and reads no clock.
 */
final class HttpMetrics {

    /** Seconds: from the answers the server writes at once (well under 100 µs) to the slowest uploads. */
    private static final double[] BUCKETS = {
        0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30
    };

    private final Histogram histogram;
    /** Per route, data points indexed by status code: two lookups and no allocation per request. */
    private final ConcurrentMap<String, AtomicReferenceArray<DistributionDataPoint>> points = new ConcurrentHashMap<>();

    HttpMetrics(PrometheusMeterRegistry registry) {
        this.histogram = Histogram.builder()
                .name("epollhub_http_requests_seconds")
                .help("HTTP requests answered, by route and status")
                .labelNames("route", "status")
                .classicOnly()
                .classicUpperBounds(BUCKETS)
                .withoutExemplars()
                .register(registry.getPrometheusRegistry());
    }

    void record(String route, int status, long nanos) {
        point(route, status).observe(nanos / 1e9);
    }

    /** {@code times} requests of one route and status, each of which took {@code nanos}. */
    void record(String route, int status, long nanos, int times) {
        DistributionDataPoint point = point(route, status);
        double seconds = nanos / 1e9;
        for (int i = 0; i < times; i++) {
            point.observe(seconds);
        }
    }

    private DistributionDataPoint point(String route, int status) {
        AtomicReferenceArray<DistributionDataPoint> byStatus =
                points.computeIfAbsent(route, r -> new AtomicReferenceArray<>(600));
        DistributionDataPoint point = byStatus.get(status);
        if (point == null) {
            point = histogram.labelValues(route, Integer.toString(status)); // the same point to racing threads
            byStatus.set(status, point);
        }
        return point;
    }
}
