package io.epollhub.server;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Runs the graceful shutdown on SIGTERM and SIGINT so that the process can exit 0. A JVM shutdown hook
 * alone would also run the shutdown, but the JVM then exits 128+signal, which supervisors report as a
 * failure. The hook stays as a fallback (other signals, {@code -Xrs}).
 */
final class Signals {

    /**
     * Counted down once logging has started on main. The handlers are installed before that (starting Logback
     * takes a few tenths of a second), and a handler that logged first would start it from its own thread:
     * main would then be handed SLF4J's stand-in loggers and could not configure Logback.
     */
    private static final CountDownLatch LOGGING_STARTED = new CountDownLatch(1);

    private Signals() {
    }

    /** Logging has started: from now on a handler logs at once. */
    static void loggingStarted() {
        LOGGING_STARTED.countDown();
    }

    /** The logger, once logging has started (waiting at most a few seconds for it). */
    private static Logger log() {
        try {
            LOGGING_STARTED.await(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return LoggerFactory.getLogger(Signals.class);
    }

    /** SIGHUP, the conventional "reload your configuration" signal. */
    static void onHangup(Runnable action) {
        try {
            Signal.handle(new Signal("HUP"), signal -> {
                log().info("received SIGHUP");
                new Thread(action, "epollhub-reload").start();
            });
        } catch (IllegalArgumentException e) {
            // On the installing thread, which may start logging: no wait for it.
            LoggerFactory.getLogger(Signals.class).debug("cannot handle SIGHUP: {}", e.getMessage());
        }
    }

    /**
     * The first SIGTERM or SIGINT runs {@code action} (the graceful shutdown); a later one, while it drains, runs
     * {@code cutShort}: a second Ctrl-C is the user saying "now", and the drain ends as if its timeout had run out.
     */
    static void onTermination(Runnable action, Runnable cutShort) {
        AtomicBoolean received = new AtomicBoolean();
        for (String name : new String[] {"TERM", "INT"}) {
            try {
                Signal.handle(new Signal(name), signal -> {
                    if (received.getAndSet(true)) {
                        log().warn("received SIG{} again: closing the remaining connections now", signal.getName());
                        cutShort.run();
                        return;
                    }
                    log().info("received SIG{}", signal.getName());
                    Thread stopper = new Thread(action, "epollhub-shutdown");
                    stopper.start();
                });
            } catch (IllegalArgumentException e) {
                LoggerFactory.getLogger(Signals.class).debug("cannot handle SIG{}: {}", name, e.getMessage());
            }
        }
        Runtime.getRuntime().addShutdownHook(new Thread(action, "epollhub-shutdown-hook"));
    }
}
