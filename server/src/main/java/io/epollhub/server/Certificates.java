package io.epollhub.server;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.List;

/**
 * Makes X.509 certificates (with BouncyCastle's builder; the JDK has no public API for it): the throwaway
 * certificate of {@code --tls-self-signed}, and test CAs and server certificates.
 */
public final class Certificates {

    /** A certificate and its key pair. */
    public record Issued(X509Certificate certificate, KeyPair keys) {

        /** Writes {@code cert.pem} and a PKCS#8 {@code key.pem} into {@code dir}. */
        public Path[] write(Path dir, String name) throws IOException, GeneralSecurityException {
            Path cert = dir.resolve(name + "-cert.pem");
            Path key = dir.resolve(name + "-key.pem");
            Files.writeString(cert, pem("CERTIFICATE", certificate.getEncoded()), StandardCharsets.US_ASCII);
            Files.writeString(key, pem("PRIVATE KEY", keys.getPrivate().getEncoded()), StandardCharsets.US_ASCII);
            return new Path[] {cert, key};
        }
    }

    private Certificates() {
    }

    public static KeyPair rsaKeys() throws GeneralSecurityException {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        return generator.generateKeyPair();
    }

    /** A CA certificate that can sign others. */
    public static Issued authority(String name, Instant notBefore, Instant notAfter) throws Exception {
        KeyPair keys = rsaKeys();
        return new Issued(build(name, name, keys.getPublic(), keys.getPrivate(), notBefore, notAfter, true, List.of()), keys);
    }

    /**
     * A server certificate for {@code hosts} (DNS names, or IP addresses), signed by {@code issuer} or, when it is
     * {@code null}, by itself.
     */
    public static Issued server(List<String> hosts, Issued issuer, Instant notBefore, Instant notAfter) throws Exception {
        KeyPair keys = rsaKeys();
        String subject = hosts.get(0);
        String issuerName = issuer == null ? subject : issuer.certificate().getSubjectX500Principal().getName();
        PrivateKey signer = issuer == null ? keys.getPrivate() : issuer.keys().getPrivate();
        return new Issued(build(subject, issuerName, keys.getPublic(), signer, notBefore, notAfter, false, hosts), keys);
    }

    private static X509Certificate build(String subject, String issuer, java.security.PublicKey key, PrivateKey signer,
                                         Instant notBefore, Instant notAfter, boolean ca, List<String> hosts) throws Exception {
        X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(
                issuer.contains("=") ? new X500Name(issuer) : new X500Name("CN=" + issuer),
                new BigInteger(64, new SecureRandom()), Date.from(notBefore), Date.from(notAfter),
                new X500Name("CN=" + subject), key);
        builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(ca));
        if (!hosts.isEmpty()) {
            GeneralName[] names = hosts.stream()
                    .map(h -> new GeneralName(h.matches("[0-9.]+|.*:.*") ? GeneralName.iPAddress : GeneralName.dNSName, h))
                    .toArray(GeneralName[]::new);
            builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(names));
        }
        return new JcaX509CertificateConverter().getCertificate(
                builder.build(new JcaContentSignerBuilder("SHA256withRSA").build(signer)));
    }

    static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }
}
