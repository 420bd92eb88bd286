package io.epollhub.chat;

import java.time.Duration;
import java.util.Objects;

/**
 * The chat service's limits, validated once by whoever builds them.
 *
 * @param maxLineBytes    longest accepted line, without its line ending
 * @param maxClients      clients admitted at once; the next one is told {@code ! server full}
 * @param maxPendingBytes a client whose queued output passes this is cut as a slow consumer
 * @param idleTimeout     a client silent this long is closed; {@link Duration#ZERO} never
 * @param ratePerSecond   lines a client may send per second, with a burst of one second's worth; 0 unlimited
 */
public record ChatSettings(int maxLineBytes, int maxClients, int maxPendingBytes, Duration idleTimeout,
                           double ratePerSecond) {

    public static final ChatSettings DEFAULTS = new ChatSettings(4096, 10_000, 1 << 20, Duration.ZERO, 0);

    public ChatSettings {
        Objects.requireNonNull(idleTimeout, "idleTimeout");
        if (maxLineBytes < 1 || maxClients < 1 || maxPendingBytes < 1 || idleTimeout.isNegative() || ratePerSecond < 0
                || Double.isNaN(ratePerSecond)) {
            throw new IllegalArgumentException("invalid chat settings: " + this);
        }
    }

    public ChatSettings withMaxLineBytes(int bytes) {
        return new ChatSettings(bytes, maxClients, maxPendingBytes, idleTimeout, ratePerSecond);
    }
}
