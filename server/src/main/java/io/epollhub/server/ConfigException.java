package io.epollhub.server;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/** A setting the user got wrong. Its message is the one line the user sees; the process exits 2. */
public final class ConfigException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final List<String> options;

    public ConfigException(String message) {
        this(List.of(), message);
    }

    private ConfigException(List<String> options, String message) {
        super(message);
        this.options = options;
    }

    /**
     * A value of {@code option} ({@code --chat-max-pending}) out of its range: the message can then say where that
     * value came from when it was not typed ({@code EPOLLHUB_CHAT_MAX_PENDING}, the config file).
     */
    static ConfigException invalid(String option, String message) {
        return new ConfigException(List.of(option), message);
    }

    /** The same error, about the values of {@code options} ({@code --tls-cert}), so that it can name their sources. */
    ConfigException about(String... options) {
        ConfigException about = new ConfigException(List.of(options), getMessage());
        about.setStackTrace(getStackTrace());
        return about;
    }

    /** The options whose values this is about; empty when it is about none in particular. */
    List<String> options() {
        return options;
    }

    /**
     * Why {@code file} (a {@code what}: "config file", "tls cert") could not be read, in words: the JDK's own
     * messages are the bare path ({@link AccessDeniedException}) or a decoder's "Input length = 1".
     */
    static ConfigException cannotRead(String what, Path file, IOException e) {
        if (e instanceof NoSuchFileException) {
            return new ConfigException(what + " " + file + " does not exist");
        }
        if (e instanceof CharacterCodingException) {
            return new ConfigException(what + " " + file + " is not UTF-8 text");
        }
        String reason = e instanceof AccessDeniedException ? "permission denied"
                : e instanceof FileSystemException fs && fs.getReason() != null ? fs.getReason()
                : String.valueOf(e.getMessage());
        return new ConfigException("cannot read " + what + " " + file + ": " + reason.toLowerCase(Locale.ROOT));
    }
}
