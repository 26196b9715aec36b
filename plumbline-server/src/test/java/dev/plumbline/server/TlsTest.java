package dev.plumbline.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.plumbline.store.Store;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.Key;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.time.Clock;
import java.util.Base64;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** HTTPS with a self-signed certificate made by keytool, as a PKCS#12 keystore and as PEM. */
class TlsTest {
  static final String PASSWORD = "changeit";
  @TempDir
  static Path dir;
  static Path keystore;
  static Store store;

  @BeforeAll
  static void makeCertificate() throws Exception {
    keystore = dir.resolve("server.p12");
    Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
    Process p = new ProcessBuilder(keytool.toString(), "-genkeypair", "-alias", "server",
        "-keyalg", "RSA", "-keysize", "2048", "-validity", "2", "-dname", "CN=localhost",
        "-ext", "san=ip:127.0.0.1,dns:localhost", "-storetype", "PKCS12",
        "-keystore", keystore.toString(), "-storepass", PASSWORD, "-keypass", PASSWORD)
        .redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(out).isZero();
    store = Store.embedded(dir.resolve("data"));
  }

  @AfterAll
  static void close() {
    store.close();
  }

  static KeyStore load() throws Exception {
    KeyStore ks = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(keystore)) {
      ks.load(in, PASSWORD.toCharArray());
    }
    return ks;
  }

  static HttpClient trusting() throws Exception {
    KeyStore trust = KeyStore.getInstance("PKCS12");
    trust.load(null, null);
    trust.setCertificateEntry("server", load().getCertificate("server"));
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(
        TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trust);
    SSLContext ssl = SSLContext.getInstance("TLS");
    ssl.init(null, tmf.getTrustManagers(), null);
    return HttpClient.newBuilder().sslContext(ssl).build();
  }

  static ApiServer start(ServerSettings.Tls tls) {
    return ApiServer.start(ApiContract.settings(false).withTls(tls), store, Seed.LIBRARY,
        new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), () -> true, Clock.systemUTC());
  }

  static void assertServesHttps(ApiServer server) throws Exception {
    HttpClient client = trusting();
    HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create(
        "https://127.0.0.1:" + server.port() + "/api/v1/clusters"))
        .header("Authorization", "Bearer " + ApiContract.VIEWER).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).contains("items");
    // Plain HTTP is not served on the TLS port.
    HttpClient plain = HttpClient.newHttpClient();
    assertThatThrownBy(() -> {
      HttpResponse<String> p = plain.send(HttpRequest.newBuilder(URI.create(
          "http://127.0.0.1:" + server.port() + "/healthz")).build(),
          HttpResponse.BodyHandlers.ofString());
      if (p.statusCode() == 200) {
        throw new AssertionError("served plain HTTP");
      }
      throw new java.io.IOException("refused with " + p.statusCode());
    }).isInstanceOf(java.io.IOException.class);
  }

  @Test
  void servesHttpsFromAPkcs12Keystore() throws Exception {
    try (ApiServer server = start(ServerSettings.Tls.pkcs12(keystore, PASSWORD))) {
      assertServesHttps(server);
    }
  }

  @Test
  void servesHttpsFromPemCertificateAndKey() throws Exception {
    KeyStore ks = load();
    Key key = ks.getKey("server", PASSWORD.toCharArray());
    Certificate cert = ks.getCertificate("server");
    Path certFile = dir.resolve("tls.crt");
    Path keyFile = dir.resolve("tls.key");
    Files.writeString(certFile, pem("CERTIFICATE", cert.getEncoded()));
    Files.writeString(keyFile, pem("PRIVATE KEY", key.getEncoded()));
    try (ApiServer server = start(ServerSettings.Tls.pem(certFile, keyFile))) {
      assertServesHttps(server);
    }
  }

  @Test
  void dashboardSessionCookieIsSecureOverTls() throws Exception {
    try (ApiServer server = start(ServerSettings.Tls.pkcs12(keystore, PASSWORD))) {
      HttpResponse<String> r = trusting().send(HttpRequest.newBuilder(URI.create(
          "https://127.0.0.1:" + server.port() + "/signin"))
          .header("Content-Type", "application/x-www-form-urlencoded")
          .POST(HttpRequest.BodyPublishers.ofString("token=" + ApiContract.VIEWER)).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(r.statusCode()).isEqualTo(303);
      assertThat(r.headers().firstValue("Set-Cookie").orElseThrow())
          .startsWith(Sessions.COOKIE + "=").contains("Secure").contains("HttpOnly")
          .containsIgnoringCase("SameSite=Strict");
    }
  }

  @Test
  void refusesUnreadableTlsMaterialWithAClearMessage() throws Exception {
    Path bad = dir.resolve("bad.key");
    Files.writeString(bad,
        "-----BEGIN RSA PRIVATE KEY-----\nAAAA\n-----END RSA PRIVATE KEY-----\n");
    Path cert = dir.resolve("tls2.crt");
    Files.writeString(cert, pem("CERTIFICATE", load().getCertificate("server").getEncoded()));
    assertThatThrownBy(() -> start(ServerSettings.Tls.pem(cert, bad)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("PKCS#8");
    assertThatThrownBy(() -> start(ServerSettings.Tls.pkcs12(keystore, "wrong")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("tls");
  }

  static String pem(String type, byte[] der) {
    return "-----BEGIN " + type + "-----\n"
        + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
        + "\n-----END " + type + "-----\n";
  }
}
