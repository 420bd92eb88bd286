package io.epollhub.server;

import java.nio.file.Path;

/**
 * TLS as configured: a PEM certificate chain and PKCS#8 key, or a throwaway self-signed certificate; the HTTPS
 * and chat-over-TLS ports ({@link ServerConfig#OFF} turns one off).
 */
public record TlsConfig(Path cert, Path key, boolean selfSigned, int httpsPort, int chatTlsPort) {

    public static final TlsConfig DISABLED = new TlsConfig(null, null, false, 8443, 9443);

    public TlsConfig {
        if ((cert == null) != (key == null)) {
            throw new ConfigException("tls needs both a certificate and a key (tls-cert and tls-key)")
                    .about("--tls-cert", "--tls-key");
        }
        if (selfSigned && cert != null) {
            throw new ConfigException("choose tls-self-signed or tls-cert and tls-key, not both");
        }
    }

    public boolean enabled() {
        return selfSigned || cert != null;
    }
}
