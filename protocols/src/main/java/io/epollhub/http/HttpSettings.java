package io.epollhub.http;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * What the HTTP service needs beyond its pipeline: where files live, its limits, and the executor that runs
 * every blocking file-system call (never an event loop).
 *
 * @param staticDir     root of {@code /static/}; {@code null} turns the route off
 * @param filesDir      root of the {@code /files/} REST API; {@code null} turns the route off
 * @param maxBody       largest request body in bytes
 * @param headerTimeout a request head not complete this long after its first byte (or the connection's
 *                      start) closes the connection; {@link Duration#ZERO} never
 * @param idleTimeout   a keep-alive connection with nothing in flight this long is closed; zero never
 * @param blocking      runs file-system calls
 * @param registry      where request metrics go
 * @param metrics       the Prometheus text for {@code /metrics}, or {@code null}: the route is off
 * @param serving       true until shutdown begins; {@code /healthz} answers 503 after
 */
public record HttpSettings(Path staticDir, Path filesDir, long maxBody, Duration headerTimeout, Duration idleTimeout,
                           Executor blocking, PrometheusMeterRegistry registry, Supplier<String> metrics, BooleanSupplier serving) {

    public static final long DEFAULT_MAX_BODY = 64L << 20;

    public HttpSettings {
        Objects.requireNonNull(headerTimeout, "headerTimeout");
        Objects.requireNonNull(idleTimeout, "idleTimeout");
        Objects.requireNonNull(blocking, "blocking");
        Objects.requireNonNull(registry, "registry");
        Objects.requireNonNull(serving, "serving");
        if (maxBody < 0 || headerTimeout.isNegative() || idleTimeout.isNegative()) {
            throw new IllegalArgumentException("invalid HTTP settings: " + maxBody + " " + headerTimeout + " " + idleTimeout);
        }
    }

    /** No files, default limits, blocking calls on {@code blocking}: enough for the hello service and tests. */
    public static HttpSettings basic(Executor blocking) {
        return new HttpSettings(null, null, DEFAULT_MAX_BODY, Duration.ofSeconds(10), Duration.ofSeconds(60), blocking,
                new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), null, () -> true);
    }

    public HttpSettings withDirectories(Path staticDir, Path filesDir) {
        return new HttpSettings(staticDir, filesDir, maxBody, headerTimeout, idleTimeout, blocking, registry, metrics, serving);
    }

    public HttpSettings withLimits(long maxBody, Duration headerTimeout, Duration idleTimeout) {
        return new HttpSettings(staticDir, filesDir, maxBody, headerTimeout, idleTimeout, blocking, registry, metrics, serving);
    }
}
