package io.epollhub.http;

import io.netty.handler.codec.http.HttpContent;

/**
 * A request being answered by its route. Routes that answer at once return {@link #DISCARD_BODY}; routes
 * that read the body or answer later return their own.
 */
interface Exchange {

    /** Ignores the request body (bodies still count against {@code --max-body}). */
    Exchange DISCARD_BODY = new Exchange() {
    };

    /** A piece of the request body, the last one a {@code LastHttpContent}; the exchange must release it. */
    default void content(HttpContent content) {
        content.release();
    }

    /** The connection closed or failed before the exchange ended: give back what it holds. */
    default void abort() {
    }
}
