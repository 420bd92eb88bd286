package io.epollhub.server;

/** What {@code --transport} asks for: {@code auto} takes epoll when the native library loads, else NIO. */
public enum TransportChoice {
    AUTO, EPOLL, NIO
}
