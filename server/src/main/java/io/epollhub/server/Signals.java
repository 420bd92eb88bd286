package io.epollhub.server;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

/**
 * Runs the graceful shutdown on SIGTERM and SIGINT so that the process can exit 0. A JVM shutdown hook
 * alone would also run the shutdown, but the JVM then exits 128+signal, which supervisors report as a
 * failure. The hook stays as a fallback (other signals, {@code -Xrs}).
 */
final class Signals {

    private static final Logger log = LoggerFactory.getLogger(Signals.class);

    private Signals() {
    }

    /** SIGHUP, the conventional "reload your configuration" signal. */
    static void onHangup(Runnable action) {
        try {
            Signal.handle(new Signal("HUP"), signal -> {
                log.info("received SIGHUP");
                new Thread(action, "epollhub-reload").start();
            });
        } catch (IllegalArgumentException e) {
            log.debug("cannot handle SIGHUP: {}", e.getMessage());
        }
    }

    static void onTermination(Runnable action) {
        for (String name : new String[] {"TERM", "INT"}) {
            try {
                Signal.handle(new Signal(name), signal -> {
                    log.info("received SIG{}", signal.getName());
                    Thread stopper = new Thread(action, "epollhub-shutdown");
                    stopper.start();
                });
            } catch (IllegalArgumentException e) {
                log.debug("cannot handle SIG{}: {}", name, e.getMessage());
            }
        }
        Runtime.getRuntime().addShutdownHook(new Thread(action, "epollhub-shutdown-hook"));
    }
}
