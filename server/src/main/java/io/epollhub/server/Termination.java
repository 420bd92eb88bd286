package io.epollhub.server;

/**
 * SIGTERM and SIGINT for the whole process, from the first line of {@code main}. A signal that comes while the
 * server is still starting is kept: the server is not started if it has not begun to, or is stopped as soon as it
 * has, and the process exits 0 as after any clean shutdown. (Handlers installed only once the server runs would
 * leave the JVM's own in place for that second, and it exits 143.)
 */
final class Termination {

    private static final Termination PROCESS = new Termination();

    private boolean installed;
    private boolean requested;
    private EpollhubServer server;

    private Termination() {
    }

    /** The process's handlers, installed by the first call. */
    static Termination ofProcess() {
        synchronized (PROCESS) {
            if (!PROCESS.installed) {
                PROCESS.installed = true;
                Signals.onTermination(PROCESS::stop, PROCESS::cutShort);
            }
        }
        return PROCESS;
    }

    /** Whether a stop has been asked for: before the server starts, there is then nothing to start. */
    synchronized boolean requested() {
        return requested;
    }

    /**
     * Hands over the started server, which a later signal stops. Returns {@code false} when a signal came while it
     * started: the caller then stops it.
     */
    synchronized boolean serving(EpollhubServer started) {
        server = started;
        return !requested;
    }

    private void stop() {
        EpollhubServer running;
        synchronized (this) {
            requested = true;
            running = server;
        }
        if (running != null) {
            running.stop();
            Logging.flush(); // as a shutdown hook, the JVM halts when this ends, before main() could
        }
    }

    private void cutShort() {
        EpollhubServer running;
        synchronized (this) {
            running = server;
        }
        if (running != null) {
            running.cutShort();
        }
    }
}
