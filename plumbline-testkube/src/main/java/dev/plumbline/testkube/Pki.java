package dev.plumbline.testkube;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * The TLS and signing material one API server needs, written as PEM files: a CA, a serving
 * certificate for 127.0.0.1, ::1 and localhost signed by it, and the service-account signing key
 * pair. Everything is ECDSA P-256 and lives only as long as the test.
 */
final class Pki {

    private static final String SIGNATURE = "SHA256withECDSA";
    private static final Duration VALIDITY = Duration.ofDays(30);

    final X509Certificate ca;
    final Path caCert;
    final Path serverCert;
    final Path serverKey;
    final Path serviceAccountKey;
    final Path serviceAccountPublicKey;

    private Pki(X509Certificate ca, Path dir) {
        this.ca = ca;
        this.caCert = dir.resolve("ca.crt");
        this.serverCert = dir.resolve("apiserver.crt");
        this.serverKey = dir.resolve("apiserver.key");
        this.serviceAccountKey = dir.resolve("sa.key");
        this.serviceAccountPublicKey = dir.resolve("sa.pub");
    }

    /** Generates fresh material into {@code dir} (created if needed). */
    static Pki generate(Path dir) throws IOException {
        Files.createDirectories(dir);
        try {
            SecureRandom random = new SecureRandom();
            Instant now = Instant.now();
            Date notBefore = Date.from(now.minus(Duration.ofHours(1)));
            Date notAfter = Date.from(now.plus(VALIDITY));
            JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();

            KeyPair caKeys = ecKeyPair();
            X500Name caName = new X500Name("CN=plumbline-test-ca");
            X509v3CertificateBuilder caBuilder = new JcaX509v3CertificateBuilder(
                    caName, serial(random), notBefore, notAfter, caName, caKeys.getPublic());
            caBuilder.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
            caBuilder.addExtension(Extension.keyUsage, true,
                    new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign | KeyUsage.digitalSignature));
            caBuilder.addExtension(Extension.subjectKeyIdentifier, false,
                    ext.createSubjectKeyIdentifier(caKeys.getPublic()));
            X509Certificate ca = sign(caBuilder, caKeys);

            KeyPair serverKeys = ecKeyPair();
            X509v3CertificateBuilder serverBuilder = new JcaX509v3CertificateBuilder(
                    ca, serial(random), notBefore, notAfter, new X500Name("CN=kube-apiserver"),
                    serverKeys.getPublic());
            serverBuilder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
            serverBuilder.addExtension(Extension.keyUsage, true,
                    new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment));
            serverBuilder.addExtension(Extension.extendedKeyUsage, false,
                    new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
            serverBuilder.addExtension(Extension.authorityKeyIdentifier, false,
                    ext.createAuthorityKeyIdentifier(ca));
            serverBuilder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName[] {
                new GeneralName(GeneralName.iPAddress, "127.0.0.1"),
                new GeneralName(GeneralName.iPAddress, "::1"),
                new GeneralName(GeneralName.dNSName, "localhost"),
                new GeneralName(GeneralName.dNSName, "kubernetes"),
                new GeneralName(GeneralName.dNSName, "kubernetes.default"),
                new GeneralName(GeneralName.dNSName, "kubernetes.default.svc"),
            }));
            X509Certificate server = sign(serverBuilder, caKeys);

            KeyPair serviceAccount = ecKeyPair();

            Pki pki = new Pki(ca, dir);
            writePem(pki.caCert, "CERTIFICATE", ca.getEncoded());
            writePem(pki.serverCert, "CERTIFICATE", server.getEncoded());
            writePem(pki.serverKey, "PRIVATE KEY", serverKeys.getPrivate().getEncoded());
            writePem(pki.serviceAccountKey, "PRIVATE KEY", serviceAccount.getPrivate().getEncoded());
            writePem(pki.serviceAccountPublicKey, "PUBLIC KEY", serviceAccount.getPublic().getEncoded());
            return pki;
        } catch (GeneralSecurityException | OperatorCreationException | CertIOException e) {
            throw new IOException("could not generate the API server's certificates: " + e, e);
        }
    }

    /** The CA certificate as PEM text, for a kubeconfig's certificate-authority-data. */
    String caPem() {
        try {
            return pem("CERTIFICATE", ca.getEncoded());
        } catch (CertificateEncodingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static KeyPair ecKeyPair() throws GeneralSecurityException {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        return generator.generateKeyPair();
    }

    private static BigInteger serial(SecureRandom random) {
        return new BigInteger(63, random).add(BigInteger.ONE);
    }

    private static X509Certificate sign(X509v3CertificateBuilder builder, KeyPair issuer)
            throws OperatorCreationException, GeneralSecurityException {
        return new JcaX509CertificateConverter()
                .getCertificate(builder.build(new JcaContentSignerBuilder(SIGNATURE).build(issuer.getPrivate())));
    }

    static String pem(String type, byte[] der) {
        String body = Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der);
        return "-----BEGIN " + type + "-----\n" + body + "\n-----END " + type + "-----\n";
    }

    private static void writePem(Path file, String type, byte[] der) throws IOException {
        Files.writeString(file, pem(type, der), StandardCharsets.US_ASCII);
    }
}
