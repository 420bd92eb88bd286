package io.epollhub.chat;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RateLimiterTest {

    private static final long SECOND = 1_000_000_000L;

    @Test
    void burstOfOneSecondThenTheRate() {
        RateLimiter limiter = new RateLimiter(3, 0);
        assertTrue(limiter.tryAcquire(0));
        assertTrue(limiter.tryAcquire(0));
        assertTrue(limiter.tryAcquire(0));
        assertFalse(limiter.tryAcquire(0));
        assertFalse(limiter.tryAcquire(SECOND / 4));
        assertTrue(limiter.tryAcquire(SECOND / 3 + 1));
        assertFalse(limiter.tryAcquire(SECOND / 3 + 2));
    }

    @Test
    void fractionalRatesStillAllowOneLine() {
        RateLimiter limiter = new RateLimiter(0.5, 0);
        assertTrue(limiter.tryAcquire(0));
        assertFalse(limiter.tryAcquire(SECOND));
        assertTrue(limiter.tryAcquire(2 * SECOND));
    }

    @Test
    void idleTimeDoesNotBankMoreThanTheBurst() {
        RateLimiter limiter = new RateLimiter(2, 0);
        long later = 100 * SECOND;
        assertTrue(limiter.tryAcquire(later));
        assertTrue(limiter.tryAcquire(later));
        assertFalse(limiter.tryAcquire(later));
    }
}
