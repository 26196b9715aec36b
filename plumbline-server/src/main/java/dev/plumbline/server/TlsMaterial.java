package dev.plumbline.server;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Turns the configured TLS files into a key store for Jetty. */
final class TlsMaterial {
  static final char[] PASSWORD = new char[0];

  private static final Pattern PEM = Pattern.compile(
      "-----BEGIN ([A-Z ]+)-----([A-Za-z0-9+/=\\s]+)-----END \\1-----");

  private TlsMaterial() {}

  /** The key store and its password. */
  record Loaded(KeyStore store, String password) {}

  static Loaded load(ServerSettings.Tls tls) {
    try {
      if (tls.keystore() != null) {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(tls.keystore())) {
          ks.load(in, tls.keystorePassword().toCharArray());
        }
        return new Loaded(ks, tls.keystorePassword());
      }
      List<Certificate> chain = new ArrayList<>();
      CertificateFactory cf = CertificateFactory.getInstance("X.509");
      for (byte[] der : blocks(Files.readString(tls.certificate(), StandardCharsets.US_ASCII),
          "CERTIFICATE", tls.certificate().toString())) {
        chain.add(cf.generateCertificate(new java.io.ByteArrayInputStream(der)));
      }
      List<byte[]> keys = blocks(Files.readString(tls.privateKey(), StandardCharsets.US_ASCII),
          "PRIVATE KEY", tls.privateKey().toString());
      PrivateKey key = privateKey(keys.get(0), tls.privateKey().toString());
      KeyStore ks = KeyStore.getInstance("PKCS12");
      ks.load(null, null);
      ks.setKeyEntry("plumbline", key, PASSWORD, chain.toArray(new Certificate[0]));
      return new Loaded(ks, "");
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalArgumentException("tls: cannot load " + tls + ": " + e.getMessage(), e);
    }
  }

  private static List<byte[]> blocks(String text, String type, String file) {
    List<byte[]> out = new ArrayList<>();
    Matcher m = PEM.matcher(text);
    while (m.find()) {
      if (m.group(1).equals(type)) {
        out.add(Base64.getMimeDecoder().decode(m.group(2)));
      } else if (type.equals("PRIVATE KEY") && m.group(1).endsWith("PRIVATE KEY")) {
        throw new IllegalArgumentException("tls: " + file + " holds a " + m.group(1)
            + "; convert it to PKCS#8 (openssl pkcs8 -topk8 -nocrypt)");
      }
    }
    if (out.isEmpty()) {
      throw new IllegalArgumentException("tls: " + file + " holds no PEM " + type);
    }
    return out;
  }

  private static PrivateKey privateKey(byte[] der, String file) throws GeneralSecurityException {
    PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(der);
    for (String alg : List.of("RSA", "EC", "Ed25519")) {
      try {
        return KeyFactory.getInstance(alg).generatePrivate(spec);
      } catch (GeneralSecurityException e) {
        // try the next algorithm
      }
    }
    throw new IllegalArgumentException("tls: " + file + ": not an RSA, EC or Ed25519 key");
  }
}
