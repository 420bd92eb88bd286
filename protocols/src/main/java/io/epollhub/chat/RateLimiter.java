package io.epollhub.chat;

/** A token bucket for one client's lines: {@code rate} per second, holding at most one second's worth. */
final class RateLimiter {

    private final double ratePerNano;
    private final double burst;
    private double tokens;
    private long last;

    RateLimiter(double ratePerSecond, long nowNanos) {
        this.ratePerNano = ratePerSecond / 1e9;
        this.burst = Math.max(1, Math.ceil(ratePerSecond));
        this.tokens = burst;
        this.last = nowNanos;
    }

    boolean tryAcquire(long nowNanos) {
        tokens = Math.min(burst, tokens + (nowNanos - last) * ratePerNano);
        last = nowNanos;
        if (tokens >= 1) {
            tokens -= 1;
            return true;
        }
        return false;
    }
}
