package dev.plumbline.server.admission;

import static org.assertj.core.api.Assertions.assertThat;

import dev.plumbline.server.ApiServer;
import dev.plumbline.server.ServerSettings;
import dev.plumbline.store.Store;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/** A review over HTTPS, with the CA and serving certificate that the manifests generate. */
class AdmissionTlsTest {
  @TempDir
  Path dir;

  @Test
  void answersAReviewOverHttpsWithTheGeneratedCertificates() throws Exception {
    WebhookCertificates certs = WebhookCertificates.generate("plumbline", "plumbline",
        List.of("localhost", "127.0.0.1"), Duration.ofDays(1), Clock.systemUTC());
    X509Certificate ca = certificate(certs.caCertificate());
    X509Certificate leaf = certificate(certs.certificate());
    leaf.verify(ca.getPublicKey());
    assertThat(ca.getBasicConstraints()).isGreaterThanOrEqualTo(0);
    assertThat(leaf.getBasicConstraints()).isEqualTo(-1);
    assertThat(leaf.getSubjectAlternativeNames().stream().map(n -> String.valueOf(n.get(1))).toList())
        .contains("plumbline.plumbline.svc", "plumbline.plumbline.svc.cluster.local",
            "127.0.0.1");
    assertThat(leaf.getExtendedKeyUsage()).containsExactly("1.3.6.1.5.5.7.3.1");
    Path cert = Files.writeString(dir.resolve("tls.crt"), certs.certificate());
    Path key = Files.writeString(dir.resolve("tls.key"), certs.privateKey());
    assertThat(certs.privateKey()).startsWith("-----BEGIN PRIVATE KEY-----");

    PrometheusMeterRegistry metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    try (Store store = Store.embedded(dir.resolve("data"));
        Admission admission = Admission.create(AdmissionTest.SETTINGS, AdmissionTest.LIBRARY,
            AdmissionTest.OPTIONS, store, "prod", null, metrics, Clock.systemUTC());
        ApiServer server = ApiServer.start(ServerSettings.of("127.0.0.1", 0, List.of(
            new ServerSettings.ApiToken("viewer", AdmissionTest.TOKEN,
                ServerSettings.Role.VIEWER))).withTls(ServerSettings.Tls.pem(cert, key)), store,
            AdmissionTest.LIBRARY, metrics, () -> true, Clock.systemUTC(), admission)) {
      URI uri = URI.create("https://127.0.0.1:" + server.port() + "/admission/validate");
      HttpRequest request = HttpRequest.newBuilder(uri)
          .header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofByteArray(
              AdmissionTest.fixture("create-deployment-privileged.json"))).build();
      HttpResponse<String> r = trusting(ca).send(request, HttpResponse.BodyHandlers.ofString());
      assertThat(r.statusCode()).isEqualTo(200);
      JsonNode response = AdmissionTest.JSON.readTree(r.body()).path("response");
      assertThat(response.path("allowed").asBoolean()).isFalse();
      assertThat(response.path("status").path("message").asString())
          .contains("privileged-containers");
      // a client that does not trust the generated CA is refused
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> HttpClient.newHttpClient()
          .send(request, HttpResponse.BodyHandlers.ofString()))
          .isInstanceOf(SSLHandshakeException.class);
    }
  }

  static X509Certificate certificate(String pem) throws Exception {
    return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(
        new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)));
  }

  static HttpClient trusting(X509Certificate ca) throws Exception {
    KeyStore trust = KeyStore.getInstance("PKCS12");
    trust.load(null, null);
    trust.setCertificateEntry("ca", ca);
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(
        TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trust);
    SSLContext ssl = SSLContext.getInstance("TLS");
    ssl.init(null, tmf.getTrustManagers(), null);
    return HttpClient.newBuilder().sslContext(ssl).build();
  }
}
