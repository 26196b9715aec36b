package dev.plumbline.server.admission;

import java.io.IOException;
import java.io.StringWriter;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A private CA and a serving certificate signed by it, for the webhook's Service: what the API
 * server needs to call Plumbline over HTTPS (the CA goes into the webhook configurations'
 * {@code caBundle}). Keys are ECDSA P-256, made with the JDK's providers.
 *
 * @param caCertificate the CA certificate, PEM
 * @param certificate the serving certificate, PEM
 * @param privateKey the serving certificate's key, PEM PKCS#8 ({@code BEGIN PRIVATE KEY})
 */
public record WebhookCertificates(String caCertificate, String certificate, String privateKey) {

  /**
   * Makes a CA and a serving certificate for the names a Service is called by
   * ({@code NAME.NAMESPACE.svc} and its variants) and any extra names or IP addresses.
   *
   * @param validity how long both are valid from now
   */
  public static WebhookCertificates generate(String service, String namespace,
      List<String> extraNames, Duration validity, Clock clock) {
    try {
      SecureRandom random = new SecureRandom();
      KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
      generator.initialize(new ECGenParameterSpec("secp256r1"), random);
      KeyPair caKeys = generator.generateKeyPair();
      KeyPair keys = generator.generateKeyPair();
      Instant now = clock.instant();
      Date from = Date.from(now.minus(Duration.ofMinutes(5)));
      Date until = Date.from(now.plus(validity));
      JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();

      X500Name caName = new X500Name("CN=Plumbline admission CA " + namespace + "/" + service);
      X509v3CertificateBuilder ca = new JcaX509v3CertificateBuilder(caName, serial(random), from,
          until, caName, caKeys.getPublic())
          .addExtension(Extension.basicConstraints, true, new BasicConstraints(0))
          .addExtension(Extension.keyUsage, true,
              new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign))
          .addExtension(Extension.subjectKeyIdentifier, false,
              ext.createSubjectKeyIdentifier(caKeys.getPublic()));
      X509Certificate caCert = sign(ca, caKeys);

      List<GeneralName> names = new ArrayList<>();
      for (String n : List.of(service, service + "." + namespace,
          service + "." + namespace + ".svc", service + "." + namespace + ".svc.cluster.local")) {
        names.add(new GeneralName(GeneralName.dNSName, n));
      }
      for (String n : extraNames) {
        names.add(isAddress(n) ? new GeneralName(GeneralName.iPAddress, n)
            : new GeneralName(GeneralName.dNSName, n));
      }
      X509v3CertificateBuilder leaf = new JcaX509v3CertificateBuilder(caCert, serial(random),
          from, until, new X500Name("CN=" + service + "." + namespace + ".svc"),
          keys.getPublic())
          .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
          .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature))
          .addExtension(Extension.extendedKeyUsage, false,
              new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth))
          .addExtension(Extension.subjectAlternativeName, false,
              new GeneralNames(names.toArray(GeneralName[]::new)))
          .addExtension(Extension.authorityKeyIdentifier, false,
              ext.createAuthorityKeyIdentifier(caCert))
          .addExtension(Extension.subjectKeyIdentifier, false,
              ext.createSubjectKeyIdentifier(keys.getPublic()));
      X509Certificate cert = sign(leaf, caKeys);
      return new WebhookCertificates(pem(caCert), pem(cert),
          pem(new JcaPKCS8Generator(keys.getPrivate(), null)));
    } catch (GeneralSecurityException | IOException | OperatorCreationException e) {
      throw new IllegalStateException("cannot make the webhook's certificates: " + e, e);
    }
  }

  private static boolean isAddress(String n) {
    return n.matches("[0-9.]+") || n.contains(":");
  }

  private static BigInteger serial(SecureRandom random) {
    return new BigInteger(127, random).add(BigInteger.ONE);
  }

  private static X509Certificate sign(X509v3CertificateBuilder builder, KeyPair issuer)
      throws OperatorCreationException, GeneralSecurityException {
    ContentSigner signer = new JcaContentSignerBuilder("SHA256withECDSA")
        .build(issuer.getPrivate());
    return new JcaX509CertificateConverter().getCertificate(builder.build(signer));
  }

  private static String pem(Object o) throws IOException {
    StringWriter out = new StringWriter();
    try (JcaPEMWriter w = new JcaPEMWriter(out)) {
      w.writeObject(o);
    }
    return out.toString();
  }
}
