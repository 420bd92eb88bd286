package io.epollhub.server;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;

/**
 * {@code epollhub chat}: a line client for machines without nc or telnet. Standard input goes to the server,
 * the server's lines go to standard output. Plain blocking sockets and two threads: a person types slower
 * than any event loop could need.
 */
@Command(name = ChatClientCommand.NAME, mixinStandardHelpOptions = true,
        description = "Join an epollhub chat room from this terminal: stdin to the room, the room to stdout.",
        exitCodeListHeading = "Exit status:%n",
        exitCodeList = {
            "0:left the room: /quit, or end of input",
            "1:could not connect",
            "3:the server ended the session (! server full, idle timeout, cut, shutdown, connection lost)"})
final class ChatClientCommand implements Callable<Integer> {

    static final String NAME = "chat";

    /** The server closed the connection without this client having quit. */
    static final int ENDED_BY_SERVER = 3;

    @Spec
    private CommandSpec spec;

    @Option(names = "--host", paramLabel = "HOST", defaultValue = "localhost", description = "Server to connect to.")
    private String host;

    @Option(names = "--port", paramLabel = "PORT", defaultValue = "9000", description = "Its chat port.")
    private int port;

    @Option(names = "--nick", paramLabel = "NAME", description = "Take this nick on arrival (/nick NAME).")
    private String nick;

    /** Set before /quit is sent, so that the close it brings is known as ours. */
    private volatile boolean quitSent;

    @Override
    public Integer call() {
        Socket socket = new Socket();
        try {
            socket.connect(new InetSocketAddress(host, port), 10_000);
            socket.setTcpNoDelay(true);
        } catch (IOException e) {
            spec.commandLine().getErr().println("epollhub chat: cannot connect to " + host + ":" + port + ": " + e.getMessage());
            return 1;
        }
        // Standard input is pumped by a daemon thread: a blocked read of the terminal must not keep the
        // client alive once the server has closed the connection.
        Thread input = new Thread(() -> pump(socket), "chat-input");
        input.setDaemon(true);
        input.start();
        print(socket);
        return quitSent ? 0 : ENDED_BY_SERVER;
    }

    private void pump(Socket socket) {
        try {
            OutputStream out = socket.getOutputStream();
            BufferedReader stdin = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            if (nick != null) {
                out.write(("/nick " + nick + "\n").getBytes(StandardCharsets.UTF_8));
            }
            for (String line; (line = stdin.readLine()) != null; ) {
                quitSent |= isQuit(line);
                out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
                out.flush();
            }
            quitSent = true;
            out.write("/quit\n".getBytes(StandardCharsets.UTF_8)); // end of input: leave politely
            out.flush();
        } catch (IOException e) {
            // the connection is gone; print() reports the end
        }
    }

    /** What the server takes for /quit: the command name ends at any whitespace. */
    private static boolean isQuit(String line) {
        return line.equals("/quit") || line.startsWith("/quit") && Character.isWhitespace(line.charAt(5));
    }

    private static void print(Socket socket) {
        PrintStream stdout = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        try (BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = in.readLine()) != null; ) {
                stdout.println(line);
            }
        } catch (IOException e) {
            stdout.println("* connection lost: " + e.getMessage());
        } finally {
            try {
                socket.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
    }
}
