package io.epollhub.server;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Locale;

/** The one place that touches the logging backend: sets the root level from {@code --log-level}. */
final class Logging {

    static final List<String> LEVELS = List.of("trace", "debug", "info", "warn", "error", "off");

    private Logging() {
    }

    static String checkLevel(String name) {
        String level = name.toLowerCase(Locale.ROOT);
        if (!LEVELS.contains(level)) {
            throw new ConfigException("invalid log level '" + name + "' (one of " + String.join(", ", LEVELS) + ")");
        }
        return level;
    }

    static void setLevel(String name) {
        String level = checkLevel(name);
        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        root.setLevel(Level.toLevel(level));
    }
}
