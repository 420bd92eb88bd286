package io.epollhub.server;

import ch.qos.logback.classic.AsyncAppender;
import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.FileAppender;
import ch.qos.logback.core.OutputStreamAppender;
import io.epollhub.http.AccessLog;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The one place that touches the logging backend: sets the root level from {@code --log-level}, routes the access
 * log, and flushes at exit.
 */
final class Logging {

    private static final String ACCESS_LOG = "the access log";
    static final List<String> LEVELS = List.of("trace", "debug", "info", "warn", "error", "off");

    private Logging() {
    }

    static String checkLevel(String name) {
        String level = name.toLowerCase(Locale.ROOT);
        if (!LEVELS.contains(level)) {
            throw ConfigException.invalid("--log-level",
                    "invalid log level '" + name + "' (one of " + String.join(", ", LEVELS) + ")");
        }
        return level;
    }

    /** The access log's target, when it is a file the process cannot append to: refused at start. */
    static void checkAccessLog(String target) {
        if (target != null && !target.isBlank() && !target.equals("-")) {
            FileChecks.appendable("--access-log", ACCESS_LOG, Path.of(target));
        }
    }

    /**
     * Puts the server log's appenders behind a {@link #nonBlocking} queue. Event loops log (a client turned away, a
     * route that failed), and a write to standard output waits when whoever reads it does not keep up (a full pipe,
     * a paused terminal); from here on that wait is the queue's thread's, never an event loop's.
     */
    static void neverBlock() {
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        List<Appender<ILoggingEvent>> sinks = new ArrayList<>();
        root.iteratorForAppenders().forEachRemaining(sinks::add);
        for (Appender<ILoggingEvent> sink : sinks) {
            root.detachAppender(sink);
            root.addAppender(nonBlocking(context, sink));
        }
    }

    /**
     * Sends the access log ({@code epollhub.access}) to {@code target}: {@code -} for standard output, else a
     * file appended to, through a {@link #nonBlocking} queue.
     */
    static void accessLog(String target) {
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(context);
        encoder.setPattern("%msg%n");
        encoder.start();
        OutputStreamAppender<ILoggingEvent> sink;
        if (target.equals("-")) {
            sink = new ConsoleAppender<>();
        } else {
            FileAppender<ILoggingEvent> file = new FileAppender<>();
            file.setFile(target);
            file.setAppend(true);
            sink = file;
        }
        sink.setContext(context);
        sink.setName("access-sink");
        sink.setEncoder(encoder);
        sink.start();
        if (!sink.isStarted()) {
            throw new ConfigException("cannot write " + ACCESS_LOG + " (--access-log) to " + target);
        }
        Logger access = context.getLogger(AccessLog.LOGGER);
        access.setAdditive(false);
        access.setLevel(Level.INFO);
        access.addAppender(nonBlocking(context, sink));
    }

    /**
     * Logback's {@code AsyncAppender} in front of {@code sink}: 8,192 events, written by its own thread, never
     * blocking the caller, dropping events only when full (of any level). {@link #flush()} drains it.
     */
    private static AsyncAppender nonBlocking(LoggerContext context, Appender<ILoggingEvent> sink) {
        AsyncAppender async = new AsyncAppender();
        async.setContext(context);
        async.setName("async-" + sink.getName());
        async.setQueueSize(8192);
        async.setDiscardingThreshold(0);
        async.setNeverBlock(true);
        async.addAppender(sink);
        async.start();
        return async;
    }

    /**
     * Writes out what the asynchronous appenders still hold (waiting at most a second each, so an output nobody
     * reads cannot hold up the exit) and stops logging: the last thing the process does.
     */
    static void flush() {
        if (LoggerFactory.getILoggerFactory() instanceof LoggerContext context) {
            context.stop();
        }
    }

    /** Starts Logback on this thread, if nothing has yet, and lets signal handlers log (see {@link Signals}). */
    static void start() {
        LoggerFactory.getILoggerFactory();
        Signals.loggingStarted();
    }

    static void setLevel(String name) {
        String level = checkLevel(name);
        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        root.setLevel(Level.toLevel(level));
    }
}
