package io.epollhub.server;

/** Entry point of {@code java -jar epollhub.jar}. */
public final class Main {

    private Main() {
    }

    public static void main(String[] args) {
        int status = EpollhubCommand.run(args);
        Logging.flush();
        System.exit(status);
    }
}
