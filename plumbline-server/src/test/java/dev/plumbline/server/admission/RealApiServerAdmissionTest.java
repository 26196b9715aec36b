package dev.plumbline.server.admission;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.plumbline.server.ApiServer;
import dev.plumbline.server.ServerSettings;
import dev.plumbline.store.AdmissionEvent;
import dev.plumbline.store.Store;
import dev.plumbline.testkube.KubeApiServer;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhookConfigurationBuilder;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.RuleWithOperationsBuilder;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingWebhookConfigurationBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * End to end: a real kube-apiserver (built from source by {@code .ci/kube-apiserver.sh}) calls
 * Plumbline's validating and mutating webhooks over HTTPS, with the CA and serving certificate
 * that {@code plumbline admission manifests} generates, and kubectl's requests get the answers.
 * Baseline is enforced, restricted warned, mutable image tags audited, and three patches applied.
 */
class RealApiServerAdmissionTest {
  @RegisterExtension
  static final KubeApiServer KUBE = KubeApiServer.builder().build();

  @TempDir
  static Path dir;
  private static Store store;
  private static Admission admission;
  private static ApiServer server;
  private static KubernetesClient client;

  @BeforeAll
  static void start() throws Exception {
    WebhookCertificates certs = WebhookCertificates.generate("plumbline", "plumbline",
        List.of("127.0.0.1"), Duration.ofDays(1), Clock.systemUTC());
    Path cert = Files.writeString(dir.resolve("tls.crt"), certs.certificate());
    Path key = Files.writeString(dir.resolve("tls.key"), certs.privateKey());
    PrometheusMeterRegistry metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    store = Store.embedded(dir.resolve("data"));
    admission = Admission.create(AdmissionTest.SETTINGS, AdmissionTest.LIBRARY,
        AdmissionTest.OPTIONS, store, AdmissionTest.CLUSTER, null, metrics, Clock.systemUTC());
    server = ApiServer.start(ServerSettings.of("127.0.0.1", 0, List.of(
            new ServerSettings.ApiToken("viewer", AdmissionTest.TOKEN,
                ServerSettings.Role.VIEWER))).withTls(ServerSettings.Tls.pem(cert, key)),
        store, AdmissionTest.LIBRARY, metrics, () -> true, Clock.systemUTC(), admission);
    String base = "https://127.0.0.1:" + server.port();
    String caBundle = Base64.getEncoder().encodeToString(
        certs.caCertificate().getBytes(StandardCharsets.US_ASCII));

    client = KUBE.client();
    client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("shop")
        .addToLabels("plumbline-e2e", "yes").endMetadata().build()).create();
    var rules = List.of(new RuleWithOperationsBuilder().withOperations("CREATE", "UPDATE")
            .withApiGroups("apps").withApiVersions("v1").withResources("deployments").build(),
        new RuleWithOperationsBuilder().withOperations("CREATE", "UPDATE").withApiGroups("")
            .withApiVersions("v1").withResources("pods").build());
    client.admissionRegistration().v1().mutatingWebhookConfigurations().resource(
        new MutatingWebhookConfigurationBuilder().withNewMetadata().withName("plumbline")
            .endMetadata().addNewWebhook().withName("mutate.plumbline.dev")
            .withNewClientConfig().withUrl(base + "/admission/mutate").withCaBundle(caBundle)
            .endClientConfig().withRules(rules).withNewNamespaceSelector()
            .addToMatchLabels("plumbline-e2e", "yes").endNamespaceSelector()
            .withSideEffects("NoneOnDryRun").withAdmissionReviewVersions("v1")
            .withFailurePolicy("Fail").withTimeoutSeconds(10).endWebhook().build()).create();
    client.admissionRegistration().v1().validatingWebhookConfigurations().resource(
        new ValidatingWebhookConfigurationBuilder().withNewMetadata().withName("plumbline")
            .endMetadata().addNewWebhook().withName("validate.plumbline.dev")
            .withNewClientConfig().withUrl(base + "/admission/validate").withCaBundle(caBundle)
            .endClientConfig().withRules(rules).withNewNamespaceSelector()
            .addToMatchLabels("plumbline-e2e", "yes").endNamespaceSelector()
            .withSideEffects("NoneOnDryRun").withAdmissionReviewVersions("v1")
            .withFailurePolicy("Fail").withTimeoutSeconds(10).endWebhook().build()).create();

    // The API server picks webhook configurations up asynchronously: wait until a Deployment on
    // the host's network is refused (a dry run, which the webhook answers without recording).
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (true) {
      try {
        client.apps().deployments().inNamespace("shop")
            .resource(deployment("probe", true, "1.27")).dryRun().create();
      } catch (KubernetesClientException e) {
        if (e.getCode() == 403 && String.valueOf(e.getMessage()).contains("plumbline")) {
          break;
        }
        throw e;
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError("the API server did not call the webhook within 30 s");
      }
      Thread.sleep(200);
    }
  }

  @AfterAll
  static void stop() throws Exception {
    if (server != null) {
      server.close();
    }
    if (admission != null) {
      admission.close();
    }
    if (store != null) {
      store.close();
    }
  }

  /** A Deployment, on the host's network or not. */
  private static Deployment deployment(String name, boolean hostNetwork, String tag) {
    return new DeploymentBuilder().withNewMetadata().withName(name).withNamespace("shop")
        .endMetadata().withNewSpec().withReplicas(1).withNewSelector()
        .addToMatchLabels("app", name).endSelector().withNewTemplate().withNewMetadata()
        .addToLabels("app", name).endMetadata().withNewSpec().withHostNetwork(hostNetwork)
        .addNewContainer().withName(name)
        .withImage("registry.example.com/" + name + ":" + tag).endContainer().endSpec()
        .endTemplate().endSpec().build();
  }

  @Test
  void aDeploymentOnTheHostNetworkIsDeniedWithTheControlAndTheField() {
    assertThatThrownBy(() -> client.apps().deployments().inNamespace("shop")
        .resource(deployment("admin-tool", true, "1.27")).create())
        .isInstanceOfSatisfying(KubernetesClientException.class, e -> {
          assertThat(e.getCode()).isEqualTo(403);
          assertThat(e.getMessage()).contains("validate.plumbline.dev")
              .contains("host-namespaces").contains("spec.template.spec.hostNetwork");
        });
    assertThat(client.apps().deployments().inNamespace("shop").withName("admin-tool").get())
        .isNull();
  }

  @Test
  void anAllowedDeploymentIsPatchedAndItsAuditedFindingRecorded() {
    Deployment created = client.apps().deployments().inNamespace("shop")
        .resource(deployment("web", false, "latest")).create();

    var container = created.getSpec().getTemplate().getSpec().getContainers().get(0);
    // the mutating webhook's patches, as stored by the API server
    assertThat(container.getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
    assertThat(container.getSecurityContext().getCapabilities().getDrop()).contains("ALL");
    var seccomp = created.getSpec().getTemplate().getSpec().getSecurityContext() == null ? null
        : created.getSpec().getTemplate().getSpec().getSecurityContext().getSeccompProfile();
    var containerSeccomp = container.getSecurityContext().getSeccompProfile();
    assertThat(seccomp != null ? seccomp.getType() : containerSeccomp.getType())
        .isEqualTo("RuntimeDefault");

    // the audited finding (a mutable image tag), recorded once the event queue drains
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    List<AdmissionEvent> events = List.of();
    while (System.nanoTime() < deadline) {
      events = store.admissionEvents(AdmissionTest.CLUSTER, "AUDIT", "shop", null, 0, 100)
          .items().stream().filter(e -> e.resource().name().equals("web")).toList();
      if (!events.isEmpty()) {
        break;
      }
      Thread.onSpinWait();
    }
    assertThat(events).extracting(AdmissionEvent::controlId).contains("mutable-image-tags");
    assertThat(store.admissionEvents(AdmissionTest.CLUSTER, "MUTATE", "shop", null, 0, 100)
        .items()).extracting(AdmissionEvent::controlId)
        .contains("privilege-escalation-allowed", "capabilities-not-dropped");
  }

  @Test
  void aPrivilegedPodReachesTheValidatingWebhookInsteadOfBeingRefusedForThePatch() {
    // privilege-escalation-allowed is on remediate: auto; its patch on the privileged container
    // would make the Pod invalid (422 from the API server itself). Withheld there, the request
    // reaches the validating webhook, which denies the privileged container under baseline.
    Pod pod = new PodBuilder().withNewMetadata().withName("node-agent").withNamespace("shop")
        .endMetadata().withNewSpec()
        .addNewContainer().withName("agent").withImage("registry.example.com/agent:2.0")
        .withNewSecurityContext().withPrivileged(true).endSecurityContext().endContainer()
        .addNewContainer().withName("sidecar").withImage("registry.example.com/sidecar:1.0")
        .endContainer().endSpec().build();

    assertThatThrownBy(() -> client.pods().inNamespace("shop").resource(pod).create())
        .isInstanceOfSatisfying(KubernetesClientException.class, e -> {
          assertThat(e.getCode()).as(e.getMessage()).isEqualTo(403);
          assertThat(e.getMessage()).contains("validate.plumbline.dev")
              .contains("privileged-containers")
              .contains("spec.containers[0].securityContext.privileged")
              .doesNotContain("allowPrivilegeEscalation` to false");
        });
  }
}
