package io.epollhub.it;

import io.epollhub.server.Certificates;
import io.epollhub.server.EpollhubServer;
import io.epollhub.server.HttpConfig;
import io.epollhub.server.ServerConfig;
import io.epollhub.server.TlsConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** HTTPS with curl and a test CA, chat over TLS with openssl s_client, protocol versions, reload, zero-copy fallback. */
class TlsIT {

    @TempDir
    static Path dir;
    static Certificates.Issued ca;
    static Path caPem;
    static Path[] serverFiles;
    static Path staticDir;
    static EpollhubServer server;

    @BeforeAll
    static void start() throws Exception {
        Instant now = Instant.now();
        ca = Certificates.authority("epollhub test CA", now.minus(Duration.ofDays(1)), now.plus(Duration.ofDays(10)));
        caPem = ca.write(dir, "ca")[0];
        serverFiles = issue("first");
        staticDir = Files.createDirectories(dir.resolve("public"));
        byte[] big = new byte[3 << 20];
        new Random(7).nextBytes(big);
        Files.write(staticDir.resolve("big.bin"), big);
        server = EpollhubServer.start(ServerConfig.defaults().withAddress("127.0.0.1", 0, 0)
                .withHttp(HttpConfig.DEFAULTS.withDirectories(staticDir, null))
                .withTls(new TlsConfig(serverFiles[0], serverFiles[1], false, 0, 0)));
    }

    /** A certificate for localhost and 127.0.0.1 signed by the test CA, written over the server's files. */
    static Path[] issue(String name) throws Exception {
        Instant now = Instant.now();
        return Certificates.server(List.of("localhost", "127.0.0.1"), ca, now.minus(Duration.ofDays(1)),
                now.plus(Duration.ofDays(5))).write(dir, "server");
    }

    @AfterAll
    static void stop() {
        server.stop();
    }

    private static String https(String path) {
        return "https://localhost:" + server.httpsAddress().getPort() + path;
    }

    @Test
    void curlOverHttpsVerifiesAgainstTheTestCa() throws Exception {
        assertEquals("Hello, World!", Curl.run("--cacert", caPem.toString(), https("/")));
        assertEquals(404, Curl.status("--cacert", caPem.toString(), https("/nope")));
    }

    @Test
    void staticFilesOverTlsArriveIntact() throws Exception {
        Path got = dir.resolve("got.bin");
        Curl.run("--cacert", caPem.toString(), "-o", got.toString(), https("/static/big.bin"));
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        assertArrayEquals(sha.digest(Files.readAllBytes(staticDir.resolve("big.bin"))),
                MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(got)),
                "a FileRegion would have bypassed TLS; the chunked fallback must encrypt");
    }

    @Test
    void oneRoomAcrossThePlainAndTlsChatPorts() throws Exception {
        try (LineClient plain = new LineClient(server.chatAddress())) {
            assertTrue(plain.readLine().startsWith("* welcome "));
            Process tls = new ProcessBuilder("openssl", "s_client", "-quiet", "-verify_return_error", "-CAfile", caPem.toString(),
                    "-connect", "127.0.0.1:" + server.chatTlsAddress().getPort()).redirectError(ProcessBuilder.Redirect.DISCARD).start();
            try {
                assertTrue(plain.readLine().matches("\\* guest-\\d+ joined \\(2 online\\)"));
                OutputStream in = tls.getOutputStream();
                in.write("hello from tls\n".getBytes(StandardCharsets.UTF_8));
                in.flush();
                assertTrue(plain.readLine().endsWith("] hello from tls"));
                plain.send("hello from plain\n");
                java.io.BufferedReader out = new java.io.BufferedReader(new java.io.InputStreamReader(tls.getInputStream(), StandardCharsets.UTF_8));
                assertTrue(out.readLine().startsWith("* welcome "));
                assertEquals("[guest-1] hello from plain", out.readLine());
            } finally {
                tls.destroy();
                tls.waitFor(5, TimeUnit.SECONDS);
            }
        }
    }

    @Test
    void aTlsChatClientThatEndsItsInputStillHasItsLastLineHeard() throws Exception {
        try (LineClient plain = new LineClient(server.chatAddress())) {
            assertTrue(plain.readLine().startsWith("* welcome "));
            // s_client sends the line at once and ends the session at the end of its input, as `printf | nc -N` does.
            Process tls = new ProcessBuilder("openssl", "s_client", "-quiet", "-no_ign_eof", "-verify_return_error", "-CAfile", caPem.toString(),
                    "-connect", "127.0.0.1:" + server.chatTlsAddress().getPort()).redirectError(ProcessBuilder.Redirect.DISCARD).start();
            try {
                tls.getOutputStream().write("last words over tls\n".getBytes(StandardCharsets.UTF_8));
                tls.getOutputStream().close();
                assertTrue(plain.readLine().matches("\\* guest-\\d+ joined \\(2 online\\)"));
                assertTrue(plain.readLine().endsWith("] last words over tls"));
                assertTrue(plain.readLine().matches("\\* guest-\\d+ left \\(1 online\\)"));
            } finally {
                tls.destroy();
                tls.waitFor(5, TimeUnit.SECONDS);
            }
        }
    }

    static String sClient(String... options) throws Exception {
        List<String> command = new ArrayList<>(List.of("openssl", "s_client", "-connect",
                "127.0.0.1:" + server.httpsAddress().getPort(), "-CAfile", caPem.toString()));
        command.addAll(Arrays.asList(options));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(20, TimeUnit.SECONDS));
        return out;
    }

    @Test
    void onlyTls12And13() throws Exception {
        String v13 = sClient("-tls1_3");
        assertTrue(v13.contains("New, TLSv1.3, Cipher is"), v13);
        String v12 = sClient("-tls1_2");
        assertTrue(v12.contains("New, TLSv1.2, Cipher is"), v12);
        String old = sClient("-tls1_1", "-cipher", "DEFAULT@SECLEVEL=0");
        assertTrue(old.contains("alert protocol version") || old.contains("no protocols available"), old);
        assertTrue(sClient("-tls1_2", "-alpn", "http/1.1").contains("ALPN protocol: http/1.1"));
    }

    @Test
    void failedHandshakesAreCounted() throws Exception {
        double before = handshakeFailures();
        try (Socket socket = new Socket("127.0.0.1", server.httpsAddress().getPort())) {
            socket.getOutputStream().write("GET / HTTP/1.1\r\nHost: t\r\n\r\n".getBytes(StandardCharsets.US_ASCII)); // plain text to TLS
            socket.setSoTimeout(5_000);
            socket.getInputStream().readAllBytes();
        }
        RunningServer.await(() -> handshakeFailures() == before + 1, 5, "failed handshake not counted");
        // Counted by listener, named as the start line and the flags name it.
        assertTrue(server.scrapeMetrics().contains("epollhub_traffic_received_bytes_total{service=\"https\"}"));
        assertTrue(server.scrapeMetrics().contains("epollhub_traffic_received_bytes_total{service=\"chat-tls\"}"));
    }

    private static double handshakeFailures() {
        return server.scrapeMetrics().lines().filter(l -> l.startsWith("epollhub_tls_handshakes_failed_total "))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.indexOf(' ') + 1))).findFirst().orElse(-1);
    }

    @Test
    void newConnectionsGetTheNewCertificateWhenTheFilesChange() throws Exception {
        String before = serialOf(sClient("-tls1_3", "-showcerts"));
        Thread.sleep(1100); // a new modification time
        Path[] replaced = issue("second");
        assertEquals(serverFiles[0], replaced[0]);
        RunningServer.await(() -> {
            try {
                return !serialOf(sClient("-tls1_3")).equals(before);
            } catch (Exception e) {
                return false;
            }
        }, 15, "the certificate was not reloaded");
        assertNotEquals(before, serialOf(sClient("-tls1_3")));
        assertEquals("Hello, World!", Curl.run("--cacert", caPem.toString(), https("/")));
    }

    /** The leaf certificate's PEM as s_client prints it: changes with every newly issued certificate. */
    private static String serialOf(String sClientOutput) {
        int begin = sClientOutput.indexOf("-----BEGIN CERTIFICATE-----");
        int end = sClientOutput.indexOf("-----END CERTIFICATE-----");
        assertTrue(begin >= 0 && end > begin, sClientOutput);
        return sClientOutput.substring(begin, end);
    }
}
