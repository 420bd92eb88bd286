package io.epollhub.server;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every unusable certificate or key is one clear line and exit status 2, before anything is bound. */
class TlsFilesTest {

    @TempDir
    static Path dir;
    static Path[] good;
    static Path[] other;
    static Path[] expired;

    @BeforeAll
    static void certificates() throws Exception {
        Instant now = Instant.now();
        good = Certificates.server(List.of("localhost"), null, now.minus(Duration.ofDays(1)), now.plus(Duration.ofDays(1)))
                .write(dir, "good");
        other = Certificates.server(List.of("localhost"), null, now.minus(Duration.ofDays(1)), now.plus(Duration.ofDays(1)))
                .write(dir, "other");
        expired = Certificates.server(List.of("localhost"), null, now.minus(Duration.ofDays(30)), now.minus(Duration.ofDays(1)))
                .write(dir, "expired");
    }

    private static String[] run(String cert, String key) {
        return run(Map.of(), "--tls-cert", cert, "--tls-key", key);
    }

    private static String[] run(Map<String, String> environment, String... tls) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        List<String> args = new java.util.ArrayList<>(List.of("--host", "127.0.0.1", "--http-port", "0", "--chat-port", "0",
                "--https-port", "0", "--chat-tls-port", "0"));
        args.addAll(List.of(tls));
        int status = EpollhubCommand.run(new PrintWriter(out), new PrintWriter(err), environment, args.toArray(String[]::new));
        return new String[] {String.valueOf(status), err.toString()};
    }

    @Test
    void filesFromTheEnvironmentAreNamedWithTheirVariable() {
        Path none = dir.resolve("none.pem");
        String[] result = run(Map.of("EPOLLHUB_TLS_CERT", none.toString()), "--tls-key", good[1].toString());
        assertEquals("epollhub: tls cert " + none + " does not exist (from EPOLLHUB_TLS_CERT)\n", result[1]);
        result = run(Map.of("EPOLLHUB_TLS_CERT", good[0].toString(), "EPOLLHUB_TLS_KEY", none.toString()));
        assertEquals("epollhub: tls key " + none + " does not exist (from EPOLLHUB_TLS_KEY)\n", result[1],
                "only the variable whose file it is");
        result = run(Map.of("EPOLLHUB_TLS_KEY", other[1].toString()), "--tls-cert", good[0].toString());
        assertTrue(result[1].startsWith("epollhub: tls key does not match the certificate ("), result[1]);
        assertTrue(result[1].endsWith(") (from EPOLLHUB_TLS_KEY)\n"), result[1]);
    }

    private static void assertRefused(String cert, String key, String message) {
        String[] result = run(cert, key);
        assertEquals("2", result[0], result[1]);
        assertEquals(1, result[1].lines().count(), result[1]);
        assertTrue(result[1].startsWith("epollhub: " + message), result[1]);
    }

    @Test
    void missingFiles() {
        assertRefused(dir.resolve("none.pem").toString(), good[1].toString(), "tls cert " + dir.resolve("none.pem") + " does not exist");
        assertRefused(good[0].toString(), dir.resolve("none.pem").toString(), "tls key " + dir.resolve("none.pem") + " does not exist");
    }

    @Test
    void directoriesAreNamedAsSuch() {
        assertRefused(dir.toString(), good[1].toString(), "cannot read tls cert " + dir + ": is a directory");
        assertRefused(good[0].toString(), dir.toString(), "cannot read tls key " + dir + ": is a directory");
    }

    @Test
    void notACertificate() throws Exception {
        Path junk = Files.writeString(dir.resolve("junk.pem"), "-----BEGIN CERTIFICATE-----\nnot base64!\n-----END CERTIFICATE-----\n");
        assertRefused(junk.toString(), good[1].toString(), "tls cert " + junk + " is not a PEM certificate");
        assertRefused(good[1].toString(), good[1].toString(), "tls cert " + good[1] + " is not a PEM certificate");
    }

    @Test
    void expiredCertificate() {
        assertRefused(expired[0].toString(), expired[1].toString(), "tls cert " + expired[0] + " expired");
    }

    @Test
    void keyOfAnotherCertificate() {
        assertRefused(good[0].toString(), other[1].toString(), "tls key does not match the certificate");
    }

    @Test
    void keysThatAreNotPkcs8() throws Exception {
        Path pkcs1 = Files.writeString(dir.resolve("rsa.pem"), "-----BEGIN RSA PRIVATE KEY-----\nAAAA\n-----END RSA PRIVATE KEY-----\n");
        assertRefused(good[0].toString(), pkcs1.toString(), "tls key " + pkcs1 + " is not PKCS#8; convert it");
        Path encrypted = Files.writeString(dir.resolve("enc.pem"),
                "-----BEGIN ENCRYPTED PRIVATE KEY-----\nAAAA\n-----END ENCRYPTED PRIVATE KEY-----\n");
        assertRefused(good[0].toString(), encrypted.toString(), "tls key " + encrypted + " is encrypted");
        assertRefused(good[0].toString(), good[0].toString(), "tls key " + good[0] + " is not a PEM PKCS#8 private key");
        Path der = java.nio.file.Files.write(dir.resolve("key.der"), new byte[] {0x30, (byte) 0x82, (byte) 0xff, 0x01});
        assertRefused(good[0].toString(), der.toString(), "tls key " + der + " is not a PEM PKCS#8 private key");
    }
}
