package dev.plumbline.server.admission;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.plumbline.resource.ManifestReader;
import dev.plumbline.scan.ScanResult;
import dev.plumbline.scan.Scanner;
import java.io.ByteArrayInputStream;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

class WebhookManifestsTest {
  static final AdmissionSettings SETTINGS = AdmissionTest.SETTINGS
      .withFailurePolicy(AdmissionSettings.FailurePolicy.CLOSED)
      .withTimeout(Duration.ofMillis(2500));

  static String generate(boolean certManager) {
    return new WebhookManifests("security", "plumbline-webhook", 8443, certManager,
        Duration.ofDays(365)).yaml(SETTINGS, AdmissionTest.LIBRARY, AdmissionTest.OPTIONS,
        Clock.systemUTC());
  }

  @SuppressWarnings("unchecked")
  static List<Map<String, Object>> documents(String yaml) {
    List<Map<String, Object>> docs = new ArrayList<>();
    for (Object o : new Load(LoadSettings.builder().build()).loadAllFromString(yaml)) {
      docs.add((Map<String, Object>) o);
    }
    return docs;
  }

  static Map<String, Object> kind(List<Map<String, Object>> docs, String kind) {
    return docs.stream().filter(d -> kind.equals(d.get("kind"))).findFirst().orElseThrow();
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> map(Object o, String... path) {
    Object at = o;
    for (String p : path) {
      at = at instanceof List<?> l ? l.get(Integer.parseInt(p)) : ((Map<String, Object>) at)
          .get(p);
    }
    return (Map<String, Object>) at;
  }

  @Test
  void generatedCertificatesFillTheCaBundleAndTheSecret() throws Exception {
    List<Map<String, Object>> docs = documents(generate(false));
    assertThat(docs).extracting(d -> d.get("kind")).containsExactly("Secret", "Service",
        "ValidatingWebhookConfiguration", "MutatingWebhookConfiguration");
    Map<String, Object> secret = kind(docs, "Secret");
    assertThat(secret.get("type")).isEqualTo("kubernetes.io/tls");
    Map<String, Object> data = map(secret, "data");
    X509Certificate ca = cert((String) data.get("ca.crt"));
    X509Certificate leaf = cert((String) data.get("tls.crt"));
    leaf.verify(ca.getPublicKey());
    assertThat(new String(Base64.getDecoder().decode((String) data.get("tls.key"))))
        .startsWith("-----BEGIN PRIVATE KEY-----");
    for (String kind : List.of("ValidatingWebhookConfiguration",
        "MutatingWebhookConfiguration")) {
      Map<String, Object> hook = map(kind(docs, kind), "webhooks", "0");
      X509Certificate bundle = cert((String) map(hook, "clientConfig").get("caBundle"));
      assertThat(bundle).isEqualTo(ca);
      assertThat(map(hook, "clientConfig", "service")).containsEntry("name", "plumbline-webhook")
          .containsEntry("namespace", "security").containsEntry("port", 443);
      assertThat(hook).containsEntry("failurePolicy", "Fail")
          .containsEntry("sideEffects", "NoneOnDryRun").containsEntry("timeoutSeconds", 4)
          .containsEntry("admissionReviewVersions", List.of("v1"));
      assertThat(map(hook, "namespaceSelector", "matchExpressions", "0"))
          .containsEntry("key", "kubernetes.io/metadata.name")
          .containsEntry("operator", "NotIn")
          .containsEntry("values", List.of("kube-node-lease", "kube-public", "kube-system",
              "plumbline"));
    }
    Map<String, Object> validate = map(kind(docs, "ValidatingWebhookConfiguration"),
        "webhooks", "0");
    assertThat(map(validate, "clientConfig", "service").get("path"))
        .isEqualTo("/admission/validate");
    assertThat(validate.get("rules").toString()).contains("pods", "pods/ephemeralcontainers",
        "deployments", "cronjobs",
        "CREATE", "UPDATE").doesNotContain("secrets", "DELETE");
    Map<String, Object> mutate = map(kind(docs, "MutatingWebhookConfiguration"), "webhooks",
        "0");
    assertThat(mutate).containsEntry("reinvocationPolicy", "IfNeeded");
    assertThat(mutate.get("rules").toString()).contains("pods", "deployments")
        .doesNotContain("services", "roles");
    assertThat(map(kind(docs, "Service"), "spec", "ports", "0"))
        .containsEntry("targetPort", 8443).containsEntry("port", 443);
  }

  @Test
  void certManagerMakesTheCertificateAndInjectsTheCa() {
    String yaml = generate(true);
    List<Map<String, Object>> docs = documents(yaml);
    assertThat(docs).extracting(d -> d.get("kind")).containsExactly("Issuer", "Certificate",
        "Service", "ValidatingWebhookConfiguration", "MutatingWebhookConfiguration");
    assertThat(map(kind(docs, "Certificate"), "spec")).containsEntry("secretName",
        "plumbline-webhook-tls");
    assertThat(map(kind(docs, "ValidatingWebhookConfiguration"), "metadata", "annotations"))
        .containsEntry("cert-manager.io/inject-ca-from", "security/plumbline-webhook");
    assertThat(map(kind(docs, "MutatingWebhookConfiguration"), "webhooks", "0",
        "clientConfig")).doesNotContainKey("caBundle");
    assertThat(yaml).doesNotContain("PRIVATE KEY");
    assertThat(generate(true)).isEqualTo(yaml); // deterministic without generated keys
  }

  @Test
  void theManifestsPassPlumblinesOwnControls() {
    for (boolean certManager : List.of(false, true)) {
      ManifestReader.Result read = new ManifestReader().readString("webhook.yaml",
          generate(certManager));
      assertThat(read.errors()).isEmpty();
      ScanResult result = new Scanner(AdmissionTest.OPTIONS).scan(read);
      assertThat(result.findings()).as("findings").isEmpty();
      assertThat(result.judged()).extracting(j -> j.resource().kind()).contains("Service");
    }
  }

  @Test
  void refusesBadNames() {
    assertThatThrownBy(() -> new WebhookManifests("Bad_NS", "svc", 8443, false,
        Duration.ofDays(1))).hasMessageContaining("--namespace");
    assertThatThrownBy(() -> new WebhookManifests("ns", "9svc", 8443, false,
        Duration.ofDays(1))).hasMessageContaining("--service");
  }

  static X509Certificate cert(String base64) throws Exception {
    return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(
        new ByteArrayInputStream(Base64.getDecoder().decode(base64)));
  }
}
