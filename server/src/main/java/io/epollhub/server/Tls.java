package io.epollhub.server;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.handler.ssl.SslProvider;
import io.netty.util.concurrent.DefaultThreadFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.net.ssl.SSLException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateFactory;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The server's TLS: one context for HTTPS (ALPN {@code http/1.1}) and one for chat, TLS 1.2 and 1.3 only, on
 * OpenSSL (BoringSSL from netty-tcnative) when it loads, else the JDK's engine. Certificates are checked at start
 * (one line and exit 2 for anything wrong) and reloaded on SIGHUP or when the files change; new connections get
 * the new certificate, and a reload that fails keeps the current one.
 */
final class Tls implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Tls.class);
    static final String[] PROTOCOLS = {"TLSv1.3", "TLSv1.2"};
    private static final Duration WATCH_INTERVAL = Duration.ofSeconds(2);

    private final TlsConfig config;
    private final SslProvider provider;
    private final Counter handshakeFailures;
    private final ScheduledExecutorService watcher;
    private final ChannelHandler handshakeCounter = new HandshakeWatcher();
    private volatile SslContext httpContext;
    private volatile SslContext chatContext;
    private volatile String fingerprint;

    private Tls(TlsConfig config, MeterRegistry registry) {
        this.config = config;
        this.provider = OpenSsl.isAvailable() ? SslProvider.OPENSSL : SslProvider.JDK;
        this.handshakeFailures = Counter.builder("epollhub.tls.handshakes.failed")
                .description("TLS handshakes that failed").register(registry);
        this.watcher = config.cert() == null ? null
                : Executors.newSingleThreadScheduledExecutor(new DefaultThreadFactory("epollhub-tls-watch", true));
    }

    /** @throws ConfigException with the one line to show when the certificate or key is unusable */
    static Tls start(TlsConfig config, MeterRegistry registry) {
        Tls tls = new Tls(config, registry);
        if (config.selfSigned()) {
            tls.useSelfSigned();
        } else {
            tls.load();
            tls.fingerprint = fingerprint(config);
            tls.watcher.scheduleWithFixedDelay(tls::reloadIfChanged, WATCH_INTERVAL.toMillis(), WATCH_INTERVAL.toMillis(),
                    TimeUnit.MILLISECONDS);
            Signals.onHangup(tls::reload);
        }
        log.info("tls: engine={} protocols={} alpn=http/1.1 cert={}", engineName(tls.provider), String.join(",", PROTOCOLS),
                config.selfSigned() ? "self-signed" : config.cert());
        return tls;
    }

    private static String engineName(SslProvider provider) {
        return provider == SslProvider.OPENSSL ? "openssl (" + OpenSsl.versionString() + ")" : "jdk";
    }

    SslHandler newHttpHandler(ByteBufAllocator alloc) {
        return httpContext.newHandler(alloc);
    }

    SslHandler newChatHandler(ByteBufAllocator alloc) {
        return chatContext.newHandler(alloc);
    }

    /** Counts failed handshakes; goes right after the {@link SslHandler}. */
    ChannelHandler handshakeCounter() {
        return handshakeCounter;
    }

    @ChannelHandler.Sharable
    private final class HandshakeWatcher extends ChannelInboundHandlerAdapter {
        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
            if (evt instanceof SslHandshakeCompletionEvent done && !done.isSuccess()) {
                handshakeFailures.increment();
                log.debug("tls handshake with {} failed: {}", ctx.channel().remoteAddress(), String.valueOf(done.cause()));
            }
            super.userEventTriggered(ctx, evt);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            // A failed handshake surfaces here too; the event above counted it.
            log.debug("tls connection {} closed: {}", ctx.channel().remoteAddress(), cause.toString());
            ctx.close();
        }
    }

    private void useSelfSigned() {
        try {
            Certificates.Issued issued = Certificates.server(List.of("localhost", "127.0.0.1"), null,
                    Instant.now().minus(Duration.ofDays(1)), Instant.now().plus(Duration.ofDays(30)));
            install(issued.keys().getPrivate(), new X509Certificate[] {issued.certificate()});
            log.warn("tls: using a throwaway self-signed certificate for localhost; clients cannot verify it. "
                    + "For local trials only, never in production");
        } catch (Exception e) {
            throw new ConfigException("cannot make a self-signed certificate: " + e.getMessage());
        }
    }

    /** Reads and checks the files, then swaps the contexts in. */
    private void load() {
        X509Certificate[] chain;
        PrivateKey key;
        try {
            chain = readChain(config.cert());
        } catch (ConfigException e) {
            throw e.about("--tls-cert");
        }
        try {
            key = readKey(config.key());
        } catch (ConfigException e) {
            throw e.about("--tls-key");
        }
        try {
            checkMatch(key, chain[0]);
            install(key, chain);
        } catch (ConfigException e) {
            throw e.about("--tls-cert", "--tls-key");
        }
    }

    private void install(PrivateKey key, X509Certificate[] chain) {
        try {
            ApplicationProtocolConfig alpn = new ApplicationProtocolConfig(ApplicationProtocolConfig.Protocol.ALPN,
                    ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
                    ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT, ApplicationProtocolNames.HTTP_1_1);
            httpContext = SslContextBuilder.forServer(key, chain).sslProvider(provider).protocols(PROTOCOLS)
                    .applicationProtocolConfig(alpn).build();
            chatContext = SslContextBuilder.forServer(key, chain).sslProvider(provider).protocols(PROTOCOLS).build();
        } catch (SSLException | IllegalArgumentException e) {
            throw new ConfigException("cannot use the tls certificate and key: " + e.getMessage());
        }
    }

    void reload() {
        try {
            load();
            fingerprint = fingerprint(config);
            log.info("tls: certificate reloaded from {}", config.cert());
        } catch (ConfigException e) {
            log.error("tls: reload failed, keeping the current certificate: {}", e.getMessage());
        }
    }

    private void reloadIfChanged() {
        String now = fingerprint(config);
        if (!now.equals(fingerprint)) {
            fingerprint = now; // one attempt per change, not one per poll
            reload();
        }
    }

    private static String fingerprint(TlsConfig config) {
        try {
            return Files.getLastModifiedTime(config.cert()) + "/" + Files.size(config.cert()) + "/"
                    + Files.getLastModifiedTime(config.key()) + "/" + Files.size(config.key());
        } catch (IOException e) {
            return "unreadable";
        }
    }

    static X509Certificate[] readChain(Path file) {
        if (Files.isDirectory(file)) { // else the certificate parser swallows the read error: "not a PEM certificate"
            throw new ConfigException("cannot read tls cert " + file + ": is a directory");
        }
        try (InputStream in = Files.newInputStream(file)) {
            X509Certificate[] chain = CertificateFactory.getInstance("X.509").generateCertificates(in).stream()
                    .map(X509Certificate.class::cast).toArray(X509Certificate[]::new);
            if (chain.length == 0) {
                throw new ConfigException("tls cert " + file + " holds no certificate");
            }
            chain[0].checkValidity();
            return chain;
        } catch (CertificateExpiredException e) {
            throw new ConfigException("tls cert " + file + " expired");
        } catch (CertificateNotYetValidException e) {
            throw new ConfigException("tls cert " + file + " is not valid yet");
        } catch (IOException e) {
            throw ConfigException.cannotRead("tls cert", file, e);
        } catch (GeneralSecurityException e) {
            throw new ConfigException("tls cert " + file + " is not a PEM certificate");
        }
    }

    static PrivateKey readKey(Path file) {
        String pem;
        try {
            pem = Files.readString(file, StandardCharsets.US_ASCII);
        } catch (java.nio.charset.CharacterCodingException e) {
            throw new ConfigException("tls key " + file + " is not a PEM PKCS#8 private key"); // DER, most likely
        } catch (IOException e) {
            throw ConfigException.cannotRead("tls key", file, e);
        }
        if (pem.contains("BEGIN RSA PRIVATE KEY") || pem.contains("BEGIN EC PRIVATE KEY")) {
            throw new ConfigException("tls key " + file + " is not PKCS#8; convert it: openssl pkcs8 -topk8 -nocrypt -in "
                    + file.getFileName() + " -out key.pem");
        }
        if (pem.contains("BEGIN ENCRYPTED PRIVATE KEY")) {
            throw new ConfigException("tls key " + file + " is encrypted; give an unencrypted PKCS#8 key");
        }
        int begin = pem.indexOf("-----BEGIN PRIVATE KEY-----");
        int end = pem.indexOf("-----END PRIVATE KEY-----");
        if (begin < 0 || end < begin) {
            throw new ConfigException("tls key " + file + " is not a PEM PKCS#8 private key");
        }
        byte[] der;
        try {
            der = Base64.getMimeDecoder().decode(pem.substring(begin + 27, end));
        } catch (IllegalArgumentException e) {
            throw new ConfigException("tls key " + file + " is not a PEM PKCS#8 private key");
        }
        for (String algorithm : new String[] {"RSA", "EC", "Ed25519", "Ed448"}) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
            } catch (GeneralSecurityException e) {
                // try the next algorithm
            }
        }
        throw new ConfigException("tls key " + file + " is not an RSA, EC or EdDSA private key");
    }

    /** Signs with the key, verifies with the certificate: the only check that works for every key type. */
    static void checkMatch(PrivateKey key, X509Certificate cert) {
        String algorithm = switch (key.getAlgorithm()) {
            case "RSA" -> "SHA256withRSA";
            case "EC" -> "SHA256withECDSA";
            default -> key.getAlgorithm();
        };
        try {
            byte[] probe = new byte[32];
            new SecureRandom().nextBytes(probe);
            Signature signer = Signature.getInstance(algorithm);
            signer.initSign(key);
            signer.update(probe);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(cert.getPublicKey());
            verifier.update(probe);
            if (verifier.verify(signature)) {
                return;
            }
        } catch (GeneralSecurityException e) {
            // falls through: a key of another type than the certificate's does not match either
        }
        throw new ConfigException("tls key does not match the certificate (" + cert.getSubjectX500Principal().getName() + ")");
    }

    @Override
    public void close() {
        if (watcher != null) {
            watcher.shutdownNow();
        }
    }
}
