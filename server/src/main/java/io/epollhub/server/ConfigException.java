package io.epollhub.server;

/** A setting the user got wrong. Its message is the one line the user sees; the process exits 2. */
public final class ConfigException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public ConfigException(String message) {
        super(message);
    }
}
