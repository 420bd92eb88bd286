package io.epollhub.server;

/** How epoll reports readiness; edge-triggered is the default and the point of this server. */
public enum TriggerMode {
    EDGE, LEVEL
}
