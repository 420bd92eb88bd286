package io.epollhub.it;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The runnable jar as a process: start line, SIGTERM, exit codes, leak check. */
class ProcessIT {

    @Test
    void printConfigShowsTheStaticDirectoryServedByDefault(@TempDir Path dir) throws Exception {
        Files.createDirectory(dir.resolve("public"));
        Process process = new ProcessBuilder("java", "-jar", ServerProcess.jar().toAbsolutePath().toString(), "--print-config")
                .directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(30, TimeUnit.SECONDS));
        assertEquals(0, process.exitValue(), out);
        assertTrue(out.lines().anyMatch(line -> line.equals("static-dir=" + dir.resolve("public").toAbsolutePath())), out);
    }

    @Test
    void sigtermNotifiesChatClientsClosesHttpAndExitsZero() throws Exception {
        try (ServerProcess server = ServerProcess.start("--host", "127.0.0.1", "--http-port", "0", "--chat-port", "0")
                .awaitStarted();
             HttpConnection http = new HttpConnection(server.http())) {
            assertEquals(200, http.exchange("GET / HTTP/1.1\r\nHost: x\r\n\r\n").status());
            List<LineClient> chat = LineClient.joinRoom(server.chat(), 2);
            LineClient a = chat.get(0);
            LineClient b = chat.get(1);

            server.terminate();

            assertEquals("* server shutting down", a.readLine());
            assertEquals("* server shutting down", b.readLine());
            assertTrue(a.closedByServer());
            assertTrue(http.closedByServer(), "idle keep-alive connection closed on shutdown");
            assertEquals(0, server.awaitExit(10), server.output());
            String output = server.output();
            assertTrue(output.contains("epollhub stopped"), output);
            assertFalse(output.contains("LEAK:"), output);
            a.close();
            b.close();
        }
    }

    @Test
    void aSecondSigtermCutsTheDrainShortAsAnExpiredTimeoutWould() throws Exception {
        try (ServerProcess server = ServerProcess.start("--host", "127.0.0.1", "--http-port", "0", "--chat-port", "0",
                "--shutdown-timeout", "60s").awaitStarted();
             HttpConnection http = new HttpConnection(server.http())) {
            // One write, so one read: the first answer shows the server holds the second, owed for a minute.
            http.send("GET / HTTP/1.1\r\nHost: t\r\n\r\nGET /sleep?ms=60000 HTTP/1.1\r\nHost: t\r\n\r\n");
            assertEquals(200, http.read().status());

            server.terminate();
            server.awaitOutput("epollhub shutting down: 1 http and 0 chat connections open", 10);
            assertFalse(server.exitsWithin(1), "the drain waits for the answer owed:\n" + server.output());
            server.terminate();

            assertEquals(0, server.awaitExit(10), server.output());
            String output = server.output();
            assertEquals(1, output.split("received SIGTERM again: closing the remaining connections now", -1).length - 1,
                    output);
            assertFalse(output.contains("shutdown timeout of"), "one line says why: " + output);
            assertTrue(output.strip().endsWith("epollhub stopped"), output);
            assertTrue(http.closedByServer());
        }
    }

    @Test
    void aSigtermWhileTheServerStartsStopsItCleanly() throws Exception {
        // Netty's first debug line comes as the server begins to start, most of a second before it listens.
        try (ServerProcess server = ServerProcess.start("--host", "127.0.0.1", "--http-port", "0", "--chat-port", "0",
                "--log-level", "debug")) {
            server.awaitOutput("Using SLF4J as the default logging framework", 20);
            server.terminate();

            assertEquals(0, server.awaitExit(20), server.output());
            String output = server.output();
            int received = output.indexOf("received SIGTERM");
            int started = output.indexOf("epollhub started");
            assertTrue(received >= 0 && (started < 0 || received < started), "the signal came while starting: " + output);
            assertTrue(started < 0 || output.indexOf("epollhub stopped") > started, "started, then stopped: " + output);
        }
    }

    @Test
    void aSigtermBeforeTheServerBeginsToStartEndsItThere(@TempDir Path dir) throws Exception {
        // The config file is a pipe: the server waits in reading it, after its handlers are in place, until the
        // test has written it.
        Path config = dir.resolve("epollhub.properties");
        assertEquals(0, new ProcessBuilder("mkfifo", config.toString()).start().waitFor());
        try (ServerProcess server = ServerProcess.start("--config", config.toString(), "--host", "127.0.0.1")) {
            try (var out = Files.newOutputStream(config)) { // opens once the server opens the pipe to read it
                server.terminate();
                server.awaitOutput("received SIGTERM", 20);
                out.write("http-port=0\nchat-port=0\n".getBytes(StandardCharsets.UTF_8));
            }

            assertEquals(0, server.awaitExit(20), server.output());
            String output = server.output();
            assertTrue(output.contains("epollhub stopped before it started"), output);
            assertFalse(output.contains("epollhub started"), output);
        }
    }

    @Test
    void aStalledStandardOutputNeitherStallsTheEventLoopsNorLosesTheirLines() throws Exception {
        int turnedAway = 2_000; // a log line each, about 240 KB in all: several times what a pipe holds
        try (ServerProcess server = ServerProcess.startWithStalledOutput("--host", "127.0.0.1", "--http-port", "0",
                "--chat-port", "0", "--chat-max-clients", "1").awaitStarted();
             LineClient member = new LineClient(server.chat())) {
            assertTrue(member.readLine().startsWith("* welcome "));
            for (int i = 0; i < turnedAway; i++) {
                try (LineClient refused = new LineClient(server.chat())) {
                    assertEquals("! server full", refused.readLine(), "client " + i + " answered while the output is stalled");
                }
            }
            try (HttpConnection http = new HttpConnection(server.http())) {
                assertEquals(200, http.exchange("GET / HTTP/1.1\r\nHost: x\r\n\r\n").status());
            }

            server.readOutput();
            server.terminate();

            assertEquals(0, server.awaitExit(10), server.output());
            String output = server.output();
            assertEquals(turnedAway, output.split("turned away: server full", -1).length - 1, "every line written in the end");
            assertTrue(output.contains("epollhub stopped"), "the last line too: " + output.substring(output.length() - 300));
        }
    }

    @Test
    void startLineDescribesTheWholeSetup() throws Exception {
        try (ServerProcess server = ServerProcess.start("--host", "127.0.0.1", "--http-port", "0", "--chat-port", "0",
                "--worker-threads", "3", "--header-timeout", "2500ms").awaitStarted()) {
            String output = server.output();
            for (long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10); !output.contains("http: static=")
                    && System.nanoTime() < end; output = server.output()) {
                Thread.sleep(20); // the settings line follows the start line
            }
            assertTrue(output.contains(" header-timeout=2500ms idle-timeout=1m"), "durations as the flags take them: " + output);
            assertTrue(output.matches("(?s).*epollhub started: transport=\\S+.* boss=1 workers=3 accept=boss http=127\\.0\\.0\\.1:\\d+ chat=127\\.0\\.0\\.1:\\d+.*"),
                    output);
        }
    }

    @Test
    void portInUseExitsTwoWithOneClearLine() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            int port = taken.getLocalPort();
            try (ServerProcess server = ServerProcess.start("--host", "127.0.0.1", "--http-port", String.valueOf(port),
                    "--chat-port", "0")) {
                assertEquals(2, server.awaitExit(20));
                String output = server.output();
                assertTrue(output.contains("epollhub: http port " + port + " is already in use"), output);
                assertFalse(output.contains("Exception"), "no stack trace for a user error: " + output);
            }
        }
    }

    @Test
    void directoriesTheProcessCannotUseExitTwoWithOneClearLine(@TempDir Path dir) throws Exception {
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x")); // the server's user gets in
        Path files = Files.createDirectory(dir.resolve("files"));
        Path statics = Files.createDirectory(dir.resolve("public"));
        Files.setPosixFilePermissions(files, PosixFilePermissions.fromString("r-xr-xr-x"));
        Files.setPosixFilePermissions(statics, PosixFilePermissions.fromString("---------"));
        try {
            for (String[] row : new String[][] {
                    {"--files-dir", files.toString(), "epollhub: files directory " + files + " is not readable and writable"},
                    {"--static-dir", statics.toString(), "epollhub: static directory " + statics + " is not readable"}}) {
                try (ServerProcess server = ServerProcess.startUnprivileged("--host", "127.0.0.1", "--http-port", "0",
                        "--chat-port", "0", row[0], row[1])) {
                    assertEquals(2, server.awaitExit(20), server.output());
                    String output = server.output();
                    assertTrue(output.startsWith(row[2] + " by this process (user "), output);
                    assertEquals(1, output.strip().lines().count(), "one line: " + output);
                }
            }
        } finally {
            Files.setPosixFilePermissions(files, PosixFilePermissions.fromString("rwx------"));
            Files.setPosixFilePermissions(statics, PosixFilePermissions.fromString("rwx------"));
        }
    }

    @Test
    void filesTheProcessCannotReadExitTwoSayingSo(@TempDir Path dir) throws Exception {
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x")); // the server's user gets in
        Path config = Files.writeString(dir.resolve("epollhub.yaml"), "chat-rate: 5\n");
        Path cert = Files.writeString(dir.resolve("cert.pem"), "-----BEGIN CERTIFICATE-----\n");
        Path key = Files.writeString(dir.resolve("key.pem"), "-----BEGIN PRIVATE KEY-----\n");
        for (Path file : List.of(config, cert, key)) {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("---------"));
        }
        for (String[] row : new String[][] {
                {"--config", config.toString(), "epollhub: cannot read config file " + config + ": permission denied"},
                {"--tls-cert", cert.toString(), "epollhub: cannot read tls cert " + cert + ": permission denied"}}) {
            try (ServerProcess server = ServerProcess.startUnprivileged("--host", "127.0.0.1", "--http-port", "0",
                    "--chat-port", "0", "--https-port", "0", "--chat-tls-port", "0", "--tls-key", key.toString(),
                    row[0], row[1])) {
                assertEquals(2, server.awaitExit(20), server.output());
                assertEquals(row[2], server.output().strip());
            }
        }
    }

    @Test
    void aFileTheProcessMayNotOpenIsA403AndOneLine(@TempDir Path dir) throws Exception {
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x")); // the server's user gets in
        Path secret = Files.writeString(dir.resolve("secret.txt"), "no");
        Files.setPosixFilePermissions(secret, PosixFilePermissions.fromString("---------"));
        Files.writeString(dir.resolve("open.txt"), "yes");
        try (ServerProcess server = ServerProcess.startUnprivileged("--host", "127.0.0.1", "--http-port", "0",
                "--chat-port", "0", "--static-dir", dir.toString()).awaitStarted();
             HttpConnection http = new HttpConnection(server.http())) {
            assertEquals(403, http.exchange("GET /static/secret.txt HTTP/1.1\r\nHost: t\r\n\r\n").status());
            try (HttpConnection again = new HttpConnection(server.http())) {
                assertEquals("yes", again.exchange("GET /static/open.txt HTTP/1.1\r\nHost: t\r\n\r\n").body());
            }
            server.terminate();
            assertEquals(0, server.awaitExit(20));
            String output = server.output();
            assertTrue(output.contains("GET /static/secret.txt: 403, the server has no permission for"), output);
            assertFalse(output.contains("Exception\n") || output.contains("\tat "), "no stack trace: " + output);
        }
    }

    @Test
    void eventLoopsTheSystemRefusesExitTwoWithOneClearLine() throws Exception {
        // Each epoll event loop takes three file descriptors: 500 of them cannot fit in 300.
        try (ServerProcess server = ServerProcess.startWithOpenFiles(300, "--host", "127.0.0.1", "--http-port", "0",
                "--chat-port", "0", "--worker-threads", "500")) {
            assertEquals(2, server.awaitExit(20));
            String output = server.output();
            assertTrue(output.startsWith("epollhub: cannot start 500 event loops for epollhub-worker: "), output);
            assertTrue(output.contains("Too many open files"), output);
            assertEquals(1, output.strip().lines().count(), "one line: " + output);
        }
    }

    @Test
    void theOpenFileLimitPausesAcceptingWithOneClearLineAndServesAgainAfter() throws Exception {
        List<Socket> clients = new ArrayList<>();
        try (ServerProcess server = ServerProcess.startWithOpenFiles(150, "--host", "127.0.0.1", "--http-port", "0",
                "--chat-port", "0").awaitStarted()) {
            try {
                for (int i = 0; i < 200; i++) { // more than the limit leaves room for
                    Socket client = new Socket(server.http().getAddress(), server.http().getPort());
                    clients.add(client);
                }
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                while (!server.output().contains("http: cannot accept connections: ")) {
                    assertTrue(System.nanoTime() < deadline, "no accept failure logged: " + server.output());
                    Thread.sleep(50);
                }
            } finally {
                for (Socket client : clients) {
                    client.close();
                }
            }
            Thread.sleep(1_500); // the pause, then the backlog drains
            try (HttpConnection http = new HttpConnection(server.http())) {
                assertEquals(200, http.exchange("GET / HTTP/1.1\r\nHost: t\r\n\r\n").status());
                String metrics = http.exchange("GET /metrics HTTP/1.1\r\nHost: t\r\n\r\n").body();
                assertTrue(metrics.lines().anyMatch(line -> line.startsWith("epollhub_accept_failures_total{service=\"http\"}")
                        && !line.endsWith(" 0.0")), metrics);
            }
            String output = server.output();
            assertTrue(output.contains("Too many open files (the open-file limit, ulimit -n, is reached); accepting again in 1 s"),
                    output);
            assertFalse(output.contains("reached at the tail"), output);
            assertFalse(output.contains("\tat "), "no stack trace: " + output);
        }
    }

    @Test
    void accessLogGetsOneCombinedLineperRequest(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        java.nio.file.Path log = dir.resolve("access.log");
        try (ServerProcess server = ServerProcess.start("--host", "127.0.0.1", "--http-port", "0", "--chat-port", "0",
                "--access-log", log.toString()).awaitStarted();
             HttpConnection http = new HttpConnection(server.http())) {
            assertEquals(200, http.exchange("GET /echo/x HTTP/1.1\r\nHost: t\r\nUser-Agent: it/1\r\n\r\n").status());
            assertEquals(404, http.exchange("GET /nope HTTP/1.1\r\nHost: t\r\n\r\n").status());
            RunningServer.await(() -> lines(log).size() == 2, 10, "access log lines: " + lines(log));
            List<String> lines = lines(log);
            assertTrue(lines.get(0).matches("127\\.0\\.0\\.1 - - \\[[^]]+] \"GET /echo/x HTTP/1\\.1\" 200 1 \"-\" \"it/1\""), lines.get(0));
            assertTrue(lines.get(1).contains("\"GET /nope HTTP/1.1\" 404 10"), lines.get(1));
        }
    }

    @Test
    void anAccessLogThatCannotBeWrittenExitsTwoSayingWhy(@TempDir Path dir) throws Exception {
        // The server's user may create what is missing here; it must not.
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwxrwx"));
        Path plainFile = Files.writeString(dir.resolve("file.txt"), "");
        Path readOnly = Files.createDirectory(dir.resolve("read-only"));
        Files.setPosixFilePermissions(readOnly, PosixFilePermissions.fromString("r-xr-xr-x"));
        Path unwritable = Files.writeString(dir.resolve("unwritable.log"), "");
        Files.setPosixFilePermissions(unwritable, PosixFilePermissions.fromString("r--r--r--"));
        Path missing = dir.resolve("no-such");
        for (String[] row : new String[][] {
                {missing.resolve("access.log").toString(), "no such directory " + missing},
                {plainFile.resolve("access.log").toString(), plainFile + " is not a directory"},
                {dir.toString(), "is a directory"},
                {readOnly.resolve("access.log").toString(), "permission denied in " + readOnly + " (user "},
                {unwritable.toString(), "permission denied (user "}}) {
            try (ServerProcess server = ServerProcess.startUnprivileged("--host", "127.0.0.1", "--http-port", "0",
                    "--chat-port", "0", "--access-log", row[0])) {
                assertEquals(2, server.awaitExit(20), server.output());
                String output = server.output();
                assertTrue(output.startsWith("epollhub: cannot write the access log (--access-log) to " + row[0] + ": " + row[1]),
                        output);
                assertEquals(1, output.strip().lines().count(), "one line: " + output);
            }
        }
        assertFalse(Files.exists(missing), "no directory made behind the user's back");
    }

    @Test
    void anAccessLogOnStandardOutput() throws Exception {
        try (ServerProcess server = ServerProcess.start("--host", "127.0.0.1", "--http-port", "0", "--chat-port", "0",
                "--access-log", "-").awaitStarted();
             HttpConnection http = new HttpConnection(server.http())) {
            assertEquals(200, http.exchange("GET /echo/x HTTP/1.1\r\nHost: t\r\n\r\n").status());
            server.awaitOutput("127.0.0.1 - - [", 10);
            assertTrue(server.output().contains("\"GET /echo/x HTTP/1.1\" 200 1 \"-\" \"-\""), server.output());
        }
    }

    @Test
    void sighupReloadsTheCertificate(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        java.time.Instant now = java.time.Instant.now();
        java.nio.file.Path[] files = io.epollhub.server.Certificates.server(List.of("localhost"), null,
                now.minusSeconds(60), now.plusSeconds(3600)).write(dir, "server");
        try (ServerProcess server = ServerProcess.start("--host", "127.0.0.1", "--http-port", "0", "--chat-port", "0",
                "--https-port", "0", "--chat-tls-port", "0", "--tls-cert", files[0].toString(), "--tls-key", files[1].toString())
                .awaitStarted()) {
            assertTrue(server.output().contains("tls: engine="), server.output());
            new ProcessBuilder("kill", "-HUP", String.valueOf(server.pid())).start().waitFor();
            RunningServer.await(() -> {
                try {
                    return server.output().contains("tls: certificate reloaded");
                } catch (InterruptedException e) {
                    return false;
                }
            }, 10, "no reload after SIGHUP");
            server.terminate();
            assertEquals(0, server.awaitExit(10), "SIGHUP must not have stopped the server");
        }
    }

    private static List<String> lines(java.nio.file.Path file) {
        try {
            return java.nio.file.Files.exists(file) ? java.nio.file.Files.readAllLines(file) : List.of();
        } catch (java.io.IOException e) {
            return List.of();
        }
    }

    @Test
    void unknownFlagExitsTwo() throws Exception {
        try (ServerProcess server = ServerProcess.start("--no-such-flag")) {
            assertEquals(2, server.awaitExit(20));
            assertEquals("epollhub: Unknown option: '--no-such-flag' (see --help)", server.output().strip());
        }
    }
}
