package io.epollhub.server;

import java.util.Arrays;

/** Entry point of {@code java -jar epollhub.jar}. */
public final class Main {

    private Main() {
    }

    public static void main(String[] args) {
        // First, so that a signal while the server starts still ends in a clean stop; not for the chat client,
        // which Ctrl-C ends at once. (The server's command installs them too, should an argument be "chat".)
        if (!Arrays.asList(args).contains(ChatClientCommand.NAME)) {
            Termination.ofProcess();
        }
        Logging.start();
        int status = EpollhubCommand.run(args);
        Logging.flush();
        System.exit(status);
    }
}
