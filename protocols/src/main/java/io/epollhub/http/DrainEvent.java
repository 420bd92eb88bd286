package io.epollhub.http;

/**
 * Fired through an HTTP connection's pipeline when the server begins shutting down: the connection
 * finishes the responses it owes, answers them with {@code Connection: close}, then closes.
 */
public final class DrainEvent {

    public static final DrainEvent INSTANCE = new DrainEvent();

    private DrainEvent() {
    }

    @Override
    public String toString() {
        return "DrainEvent";
    }
}
