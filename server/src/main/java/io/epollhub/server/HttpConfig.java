package io.epollhub.server;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The HTTP service's settings as configured (the blocking executor is made from them at start).
 *
 * @param staticDir root of {@code /static/}, or {@code null}: the route is off
 * @param filesDir  root of {@code /files/}, or {@code null}: the route is off
 */
public record HttpConfig(Path staticDir, Path filesDir, long maxBody, int blockingThreads, Duration headerTimeout,
                         Duration idleTimeout, boolean metrics) {

    public static final HttpConfig DEFAULTS = new HttpConfig(null, null, 64L << 20, 16, Duration.ofSeconds(10),
            Duration.ofSeconds(60), true);

    public HttpConfig {
        staticDir = FileChecks.directory("static", staticDir, false);
        filesDir = FileChecks.directory("files", filesDir, true);
        if (maxBody < 0) {
            throw ConfigException.invalid("--max-body", "invalid max body " + maxBody + " (must not be negative)");
        }
        if (blockingThreads < 1 || blockingThreads > 1024) {
            throw ConfigException.invalid("--blocking-threads",
                    "invalid blocking threads " + blockingThreads + " (must be 1-1024)");
        }
        if (headerTimeout.isNegative() || idleTimeout.isNegative()) {
            throw new ConfigException("invalid HTTP timeout (must not be negative)");
        }
    }

    /** {@code ./public} when it exists: the static route is on by default only where there is something to serve. */
    static Path defaultStaticDir() {
        Path publicDir = Path.of("public");
        return Files.isDirectory(publicDir) ? publicDir : null;
    }

    public HttpConfig withDirectories(Path staticDir, Path filesDir) {
        return new HttpConfig(staticDir, filesDir, maxBody, blockingThreads, headerTimeout, idleTimeout, metrics);
    }

    public HttpConfig withLimits(long maxBody, Duration headerTimeout, Duration idleTimeout) {
        return new HttpConfig(staticDir, filesDir, maxBody, blockingThreads, headerTimeout, idleTimeout, metrics);
    }
}
