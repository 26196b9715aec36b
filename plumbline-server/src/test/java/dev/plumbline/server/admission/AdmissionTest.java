package dev.plumbline.server.admission;

import static dev.plumbline.server.admission.AdmissionSettings.Action.AUDIT;
import static dev.plumbline.server.admission.AdmissionSettings.Action.ENFORCE;
import static dev.plumbline.server.admission.AdmissionSettings.Action.OFF;
import static dev.plumbline.server.admission.AdmissionSettings.Action.WARN;
import static org.assertj.core.api.Assertions.assertThat;

import dev.plumbline.control.Inventory;
import dev.plumbline.control.Library;
import dev.plumbline.control.PolicyVersion;
import dev.plumbline.exceptions.ExceptionSet;
import dev.plumbline.resource.Origin;
import dev.plumbline.resource.Resource;
import dev.plumbline.scan.ScanOptions;
import dev.plumbline.scan.Scanner;
import dev.plumbline.scan.Selection;
import dev.plumbline.server.ApiServer;
import dev.plumbline.server.ServerSettings;
import dev.plumbline.store.AdmissionEvent;
import dev.plumbline.store.ExceptionSpec;
import dev.plumbline.store.Page;
import dev.plumbline.store.Store;
import io.fabric8.zjsonpatch.JsonPatch;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

/**
 * Admission reviews against a running server: fixtures under src/test/resources/admission for
 * every decision and operation, malformed, oversized and slow requests, and mutation.
 */
class AdmissionTest {
  static final String CLUSTER = "prod";
  static final String TOKEN = "viewer-token-0123456789";
  static final ObjectMapper JSON = JsonMapper.builder().build();
  static final Library LIBRARY = Library.builtIn();
  static final ScanOptions OPTIONS = ScanOptions.of(Selection.resolve(LIBRARY, List.of(),
      List.of(), null, Map.of())).withPssVersion(PolicyVersion.LATEST);
  /** Baseline enforced, restricted warned, mutable tags audited, three patches applied. */
  static final AdmissionSettings SETTINGS = AdmissionSettings.enabledDefaults()
      .withAction(OFF)
      .withFrameworks(Map.of("pss-baseline", ENFORCE, "pss-restricted", WARN))
      .withControls(Map.of("mutable-image-tags", AUDIT, "apiserver-profiling-enabled", AUDIT))
      .withRemediate(Set.of("missing-seccomp-profile", "privilege-escalation-allowed",
          "capabilities-not-dropped", "apiserver-profiling-enabled"));

  @TempDir
  static Path dir;
  static Store store;
  static PrometheusMeterRegistry metrics;
  static Admission admission;
  static ApiServer server;
  static HttpClient http;

  @BeforeAll
  static void start() {
    store = Store.embedded(dir.resolve("data"));
    store.createException(new ExceptionSpec(List.of(CLUSTER), List.of("privileged-containers",
        "privilege-escalation-allowed"), List.of("legacy"), List.of(), List.of(), Map.of(),
        "the node agent needs it", "platform-team", LocalDate.of(2099, 1, 1)), "admin",
        java.time.Instant.now());
    metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    admission = Admission.create(SETTINGS, LIBRARY, OPTIONS, store, CLUSTER, null, metrics,
        Clock.systemUTC());
    server = ApiServer.start(ServerSettings.of("127.0.0.1", 0, List.of(
        new ServerSettings.ApiToken("viewer", TOKEN, ServerSettings.Role.VIEWER))), store,
        LIBRARY, metrics, () -> true, Clock.systemUTC(), admission);
    http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  }

  @AfterAll
  static void stop() {
    server.close();
    admission.close();
    store.close();
  }

  @BeforeEach
  void noHook() {
    admission.beforeEvaluation = () -> { };
  }

  static byte[] fixture(String name) {
    try (InputStream in = AdmissionTest.class.getResourceAsStream("/admission/" + name)) {
      assertThat(in).as(name).isNotNull();
      return in.readAllBytes();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  static HttpResponse<String> post(String path, byte[] body) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port()
        + path)).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** The response part of a review's answer (HTTP 200 asserted). */
  static JsonNode review(String path, byte[] body) throws Exception {
    HttpResponse<String> r = post(path, body);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    JsonNode answer = JSON.readTree(r.body());
    assertThat(answer.path("apiVersion").asString()).isEqualTo("admission.k8s.io/v1");
    assertThat(answer.path("kind").asString()).isEqualTo("AdmissionReview");
    return answer.path("response");
  }

  static JsonNode validate(String fixture) throws Exception {
    JsonNode response = review("/admission/validate", fixture(fixture));
    String uid = JSON.readTree(fixture(fixture)).path("request").path("uid").asString();
    assertThat(response.path("uid").asString()).isEqualTo(uid);
    return response;
  }

  static List<String> warnings(JsonNode response) {
    return response.path("warnings").valueStream().map(JsonNode::asString).toList();
  }

  static List<AdmissionEvent> events(String uid) {
    admission.flushEvents();
    Page<AdmissionEvent> page = store.admissionEvents(CLUSTER, null, null, null, 0, 1000);
    return page.items().stream().filter(e -> e.reviewUid().equals(uid)).toList();
  }

  // Decisions

  @Test
  void allowsACleanPodWithoutWarningsOrEvents() throws Exception {
    JsonNode r = validate("create-pod-clean.json");
    assertThat(r.path("allowed").asBoolean()).isTrue();
    assertThat(r.has("status")).isFalse();
    assertThat(r.has("warnings")).isFalse();
    assertThat(events("3b2f7c1e-0001-4000-8000-000000000001")).isEmpty();
  }

  @Test
  void deniesAnEnforcedControlNamingTheControlTheFieldAndTheFix() throws Exception {
    JsonNode r = validate("create-deployment-privileged.json");
    assertThat(r.path("allowed").asBoolean()).isFalse();
    assertThat(r.path("status").path("code").asInt()).isEqualTo(403);
    String message = r.path("status").path("message").asString();
    assertThat(message).contains("Deployment \"web\"")
        .contains("privileged-containers at "
            + "spec.template.spec.containers[0].securityContext.privileged")
        .contains("Fix: ");
    // restricted-only findings of the same object still reach the user as warnings
    assertThat(warnings(r)).anyMatch(w -> w.contains("privilege-escalation-allowed"));
    List<AdmissionEvent> events = events("3b2f7c1e-0002-4000-8000-000000000002");
    assertThat(events).extracting(AdmissionEvent::controlId).contains("privileged-containers");
    assertThat(events).allMatch(e -> !e.allowed());
    assertThat(events).filteredOn(e -> e.controlId().equals("privileged-containers"))
        .singleElement().satisfies(e -> {
          assertThat(e.action()).isEqualTo("ENFORCE");
          assertThat(e.user()).isEqualTo("alice@example.com");
          assertThat(e.resource().kind()).isEqualTo("Deployment");
          assertThat(e.resource().namespace()).isEqualTo("shop");
        });
  }

  @Test
  void warnsAboutRestrictedFindingsAndAllows() throws Exception {
    JsonNode r = validate("create-pod-restricted-violations.json");
    assertThat(r.path("allowed").asBoolean()).isTrue();
    assertThat(warnings(r)).anyMatch(w -> w.startsWith("Plumbline missing-seccomp-profile"))
        .anyMatch(w -> w.contains("capabilities-not-dropped"))
        .anyMatch(w -> w.contains("run-as-root-allowed"))
        .allMatch(w -> w.length() <= 400);
    assertThat(events("3b2f7c1e-0003-4000-8000-000000000003"))
        .extracting(AdmissionEvent::action).containsOnly("WARN");
  }

  @Test
  void auditsQuietlyAndRecordsTheEvent() throws Exception {
    JsonNode r = validate("create-pod-latest-tag.json");
    assertThat(r.path("allowed").asBoolean()).isTrue();
    assertThat(r.has("warnings")).isFalse();
    assertThat(events("3b2f7c1e-0004-4000-8000-000000000004")).singleElement()
        .satisfies(e -> {
          assertThat(e.action()).isEqualTo("AUDIT");
          assertThat(e.controlId()).isEqualTo("mutable-image-tags");
          assertThat(e.path()).isEqualTo("spec.containers[0].image");
          assertThat(e.allowed()).isTrue();
        });
  }

  @Test
  void aDryRunRecordsNothing() throws Exception {
    JsonNode r = validate("create-pod-latest-tag-dry-run.json");
    assertThat(r.path("allowed").asBoolean()).isTrue();
    assertThat(events("3b2f7c1e-0005-4000-8000-000000000005")).isEmpty();
    JsonNode m = review("/admission/mutate", dryRun(fixture("create-pod-restricted-violations.json")));
    assertThat(m.path("patchType").asString()).isEqualTo("JSONPatch"); // the same answer
    assertThat(events("dry-run-mutation")).isEmpty();
  }

  static byte[] dryRun(byte[] review) {
    String s = new String(review, StandardCharsets.UTF_8)
        .replace("\"dryRun\": false", "\"dryRun\": true")
        .replace("3b2f7c1e-0003-4000-8000-000000000003", "dry-run-mutation");
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void exemptNamespacesAreNotJudged() throws Exception {
    JsonNode r = validate("create-pod-privileged-kube-system.json");
    assertThat(r.path("allowed").asBoolean()).isTrue();
    assertThat(r.has("warnings")).isFalse();
    assertThat(events("3b2f7c1e-0006-4000-8000-000000000006")).isEmpty();
  }

  @Test
  void aStoredExceptionAllowsWhatItCovers() throws Exception {
    JsonNode r = validate("create-deployment-privileged-excepted.json");
    assertThat(r.path("allowed").asBoolean()).as(r.toString()).isTrue();
    assertThat(warnings(r)).noneMatch(w -> w.contains("privilege-escalation-allowed"));
  }

  @Test
  void aConfiguredExceptionAllowsWhatItCovers() throws Exception {
    ExceptionSet configured = ExceptionSet.parse("exceptions.yaml", """
        exceptions:
          - name: shop-web-privileged
            controls: [privileged-containers]
            namespaces: [shop]
            names: [web]
            reason: migrating off it
            owner: shop-team
            expires: 2099-01-01
        """, id -> true);
    try (Admission a = Admission.create(SETTINGS, LIBRARY, OPTIONS.withExceptions(configured),
        null, CLUSTER, null, metrics, Clock.systemUTC())) {
      Admission.Answer answer = a.validate(fixture("create-deployment-privileged.json"));
      JsonNode r = JSON.readTree(answer.body()).path("response");
      assertThat(r.path("allowed").asBoolean()).as(r.toString()).isTrue();
    }
  }

  // Operations and kinds

  @Test
  void anUpdateIsJudgedByTheNewObject() throws Exception {
    assertThat(validate("update-deployment-privileged.json").path("allowed").asBoolean())
        .isFalse();
    assertThat(validate("update-deployment-fixed.json").path("allowed").asBoolean()).isTrue();
  }

  @Test
  void deleteAndConnectAreAllowed() throws Exception {
    JsonNode delete = validate("delete-deployment-privileged.json");
    assertThat(delete.path("allowed").asBoolean()).isTrue();
    assertThat(delete.has("warnings")).isFalse();
    assertThat(validate("connect-pod-exec.json").path("allowed").asBoolean()).isTrue();
  }

  @Test
  void aCronJobIsJudgedThroughItsPodTemplate() throws Exception {
    JsonNode r = validate("create-cronjob-privileged.json");
    assertThat(r.path("allowed").asBoolean()).isFalse();
    assertThat(r.path("status").path("message").asString()).contains(
        "privileged-containers at spec.jobTemplate.spec.template.spec.containers[0]"
            + ".securityContext.privileged");
  }

  @Test
  void aControllersPodIsJudgedInTheRequestsNamespace() throws Exception {
    JsonNode r = validate("create-pod-owned-privileged.json");
    assertThat(r.path("allowed").asBoolean()).isFalse();
    assertThat(r.path("status").path("message").asString()).contains("Pod \"web-7d4b9-*\"");
  }

  @Test
  void namespaceRulesOverrideTheTopLevelActions() throws Exception {
    AdmissionSettings staged = SETTINGS.withNamespaces(List.of(
        new AdmissionSettings.NamespaceRule(List.of("sh*"), null,
            Map.of("pss-baseline", WARN), Map.of())));
    try (Admission a = Admission.create(staged, LIBRARY, OPTIONS, null, CLUSTER, null, metrics,
        Clock.systemUTC())) {
      JsonNode r = JSON.readTree(a.validate(fixture("create-deployment-privileged.json"))
          .body()).path("response");
      assertThat(r.path("allowed").asBoolean()).isTrue();
      assertThat(warnings(r)).anyMatch(w -> w.contains("privileged-containers"));
    }
  }

  @Test
  void inventoryControlsWarnAtMostAndAreSkippedWithoutAnInventory() throws Exception {
    AdmissionSettings strict = SETTINGS.withControls(Map.of("missing-default-deny-ingress",
        ENFORCE, "unisolated-workloads", ENFORCE));
    try (Admission none = Admission.create(strict, LIBRARY, OPTIONS, null, CLUSTER, null,
        metrics, Clock.systemUTC());
        Admission watched = Admission.create(strict, LIBRARY, OPTIONS, null, CLUSTER,
            () -> Inventory.EMPTY, metrics, Clock.systemUTC())) {
      JsonNode without = JSON.readTree(none.validate(fixture("create-pod-clean.json")).body())
          .path("response");
      assertThat(without.path("allowed").asBoolean()).isTrue();
      assertThat(without.has("warnings")).isFalse();
      JsonNode with = JSON.readTree(watched.validate(fixture("create-pod-clean.json")).body())
          .path("response");
      assertThat(with.path("allowed").asBoolean()).isTrue();
      assertThat(warnings(with)).anyMatch(w -> w.contains("unisolated-workloads"));
    }
  }

  // Bad requests

  @Test
  void malformedRequestsAreRefusedWithTheReason() throws Exception {
    Map<String, String> cases = new java.util.LinkedHashMap<>();
    cases.put("{\"apiVersion\": ", "malformed JSON");
    cases.put("", "the body is empty");
    cases.put("[]", "expected a JSON object");
    cases.put("{\"apiVersion\":\"admission.k8s.io/v1beta1\",\"kind\":\"AdmissionReview\"}",
        "apiVersion: expected admission.k8s.io/v1");
    cases.put("{\"apiVersion\":\"admission.k8s.io/v1\",\"kind\":\"Pod\"}",
        "kind: expected AdmissionReview");
    cases.put("{\"apiVersion\":\"admission.k8s.io/v1\",\"kind\":\"AdmissionReview\"}",
        "request: missing");
    cases.put("{\"apiVersion\":\"admission.k8s.io/v1\",\"kind\":\"AdmissionReview\","
        + "\"request\":{\"operation\":\"CREATE\"}}", "request.uid: missing");
    cases.put("{\"apiVersion\":\"admission.k8s.io/v1\",\"kind\":\"AdmissionReview\","
        + "\"request\":{\"uid\":\"u\",\"operation\":\"CREATE\"}}", "request.object: missing");
    cases.put("{\"apiVersion\":\"admission.k8s.io/v1\",\"kind\":\"AdmissionReview\","
        + "\"request\":{\"uid\":\"u\",\"operation\":\"PATCH\"}}", "request.operation");
    cases.put("{\"apiVersion\":\"admission.k8s.io/v1\",\"kind\":\"AdmissionReview\","
        + "\"request\":{\"uid\":\"u\",\"operation\":\"CREATE\",\"object\":{\"kind\":\"Pod\"}}}",
        "request.object.apiVersion: missing");
    cases.put("[".repeat(5000) + "]".repeat(5000), "");
    for (Map.Entry<String, String> c : cases.entrySet()) {
      for (String path : List.of("/admission/validate", "/admission/mutate")) {
        HttpResponse<String> r = post(path, c.getKey().getBytes(StandardCharsets.UTF_8));
        assertThat(r.statusCode()).as(c.getKey()).isEqualTo(400);
        JsonNode body = JSON.readTree(r.body());
        assertThat(body.path("error").asString()).as(c.getKey()).contains(c.getValue());
      }
    }
  }

  @Test
  void oddlyTypedObjectsGetAnAnswerNeverA500() throws Exception {
    for (String spec : List.of("\"x\"", "{\"containers\": 5}", "{\"containers\": [1, null]}",
        "{\"containers\": [{\"securityContext\": \"yes\"}]}",
        "{\"securityContext\": [], \"containers\": [{\"name\": 7, \"image\": []}]}")) {
      String review = "{\"apiVersion\":\"admission.k8s.io/v1\",\"kind\":\"AdmissionReview\","
          + "\"request\":{\"uid\":\"odd\",\"operation\":\"CREATE\",\"namespace\":\"shop\","
          + "\"object\":{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"p\","
          + "\"labels\":[1]},\"spec\":" + spec + "}}}";
      for (String path : List.of("/admission/validate", "/admission/mutate")) {
        JsonNode r = review(path, review.getBytes(StandardCharsets.UTF_8));
        assertThat(r.path("uid").asString()).as(spec).isEqualTo("odd");
        assertThat(r.has("allowed")).as(spec).isTrue();
      }
    }
  }

  @Test
  void anOversizedReviewIsRefusedWith400() throws Exception {
    byte[] big = new byte[(int) AdmissionSettings.DEFAULT_MAX_BODY + 10];
    java.util.Arrays.fill(big, (byte) ' ');
    HttpResponse<String> r = post("/admission/validate", big);
    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(JSON.readTree(r.body()).path("error").asString())
        .contains("larger than admission.maxBodyBytes (3145728 bytes)");
    // without a Content-Length (chunked), the limit holds as the body is read
    try (Socket s = new Socket("127.0.0.1", server.port())) {
      OutputStream out = s.getOutputStream();
      out.write(("POST /admission/validate HTTP/1.1\r\nHost: x\r\nContent-Type: application/json"
          + "\r\nTransfer-Encoding: chunked\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      byte[] chunk = new byte[1 << 20];
      java.util.Arrays.fill(chunk, (byte) ' ');
      try {
        for (int i = 0; i < 4; i++) {
          out.write((Integer.toHexString(chunk.length) + "\r\n").getBytes(
              StandardCharsets.US_ASCII));
          out.write(chunk);
          out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
        }
        out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        out.flush();
      } catch (IOException closedEarly) {
        // the server may answer and close before the whole body is sent
      }
      String head = new String(s.getInputStream().readNBytes(12), StandardCharsets.US_ASCII);
      assertThat(head).isEqualTo("HTTP/1.1 400");
    }
    // and the server still answers
    assertThat(validate("create-pod-clean.json").path("allowed").asBoolean()).isTrue();
  }

  @Test
  void aSlowReviewFailsOpenWithAWarning() throws Exception {
    try (Admission a = Admission.create(SETTINGS.withTimeout(Duration.ofMillis(100)), LIBRARY,
        OPTIONS, null, CLUSTER, null, metrics, Clock.systemUTC())) {
      a.beforeEvaluation = () -> sleep(1000);
      long started = System.nanoTime();
      JsonNode r = JSON.readTree(a.validate(fixture("create-deployment-privileged.json"))
          .body()).path("response");
      assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofMillis(900));
      assertThat(r.path("allowed").asBoolean()).isTrue();
      assertThat(warnings(r)).singleElement().asString()
          .contains("not decided within admission.timeout (100 ms)")
          .contains("allowed unchecked");
    }
  }

  @Test
  void aSlowReviewFailsClosedWhenConfigured() throws Exception {
    try (Admission a = Admission.create(SETTINGS.withTimeout(Duration.ofMillis(100))
        .withFailurePolicy(AdmissionSettings.FailurePolicy.CLOSED), LIBRARY, OPTIONS, null,
        CLUSTER, null, metrics, Clock.systemUTC())) {
      a.beforeEvaluation = () -> sleep(1000);
      JsonNode r = JSON.readTree(a.validate(fixture("create-pod-clean.json")).body())
          .path("response");
      assertThat(r.path("allowed").asBoolean()).isFalse();
      assertThat(r.path("status").path("message").asString())
          .contains("not decided within admission.timeout").contains("failurePolicy: closed");
    }
  }

  @Test
  void aHugeObjectWithATinyTimeoutFollowsTheFailurePolicy() throws Exception {
    // 20,000 containers: evaluation takes far longer than 1 ms
    Map<String, Object> review = JSON.readValue(fixture("create-pod-restricted-violations.json"),
        Map.class);
    @SuppressWarnings("unchecked")
    Map<String, Object> spec = (Map<String, Object>) ((Map<String, Object>) ((Map<String, Object>)
        review.get("request")).get("object")).get("spec");
    List<Object> containers = new java.util.ArrayList<>();
    for (int i = 0; i < 20_000; i++) {
      containers.add(Map.of("name", "c" + i, "image", "registry.example/c:" + i));
    }
    spec.put("containers", containers);
    try (Admission a = Admission.create(SETTINGS.withTimeout(Duration.ofMillis(1)), LIBRARY,
        OPTIONS, null, CLUSTER, null, metrics, Clock.systemUTC())) {
      JsonNode r = JSON.readTree(a.validate(JSON.writeValueAsBytes(review)).body())
          .path("response");
      assertThat(r.path("allowed").asBoolean()).isTrue();
      assertThat(warnings(r)).singleElement().asString().contains("admission.timeout");
    }
  }

  static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  // Mutation

  @Test
  void mutationPatchesThePodAndThePatchedPodPasses() throws Exception {
    byte[] fixture = fixture("create-pod-restricted-violations.json");
    JsonNode r = review("/admission/mutate", fixture);
    assertThat(r.path("allowed").asBoolean()).isTrue();
    assertThat(r.path("patchType").asString()).isEqualTo("JSONPatch");
    JsonNode patch = JSON.readTree(Base64.getDecoder().decode(r.path("patch").asString()));
    JsonNode object = JSON.readTree(fixture).path("request").path("object");
    JsonNode patched = JsonPatch.apply(patch, object);
    assertThat(patched.path("spec").path("securityContext").path("seccompProfile")
        .path("type").asString()).isEqualTo("RuntimeDefault");
    JsonNode sc = patched.path("spec").path("containers").path(0).path("securityContext");
    assertThat(sc.path("allowPrivilegeEscalation").asBoolean(true)).isFalse();
    assertThat(sc.path("capabilities").path("drop").path(0).asString()).isEqualTo("ALL");
    assertThat(failing(patched)).doesNotContain("missing-seccomp-profile",
        "privilege-escalation-allowed", "capabilities-not-dropped");
    assertThat(failing(object)).contains("missing-seccomp-profile",
        "privilege-escalation-allowed", "capabilities-not-dropped");
    assertThat(events("3b2f7c1e-0003-4000-8000-000000000003"))
        .filteredOn(e -> e.action().equals("MUTATE")).extracting(AdmissionEvent::controlId)
        .containsExactlyInAnyOrder("missing-seccomp-profile", "privilege-escalation-allowed",
            "capabilities-not-dropped");
  }

  @Test
  void mutationWithholdsAPatchThatWouldMakeThePodInvalidButPatchesTheOtherContainers()
      throws Exception {
    // allowPrivilegeEscalation: false next to privileged: true is refused by the API server
    // (422): the privileged container keeps its finding for the validating webhook.
    String text = new String(fixture("create-pod-restricted-violations.json"),
        StandardCharsets.UTF_8)
        .replace("3b2f7c1e-0003-4000-8000-000000000003", "3b2f7c1e-0003-4000-8000-0000000000a3")
        .replace("\"containers\": [\n", "\"containers\": [\n          {\"name\": \"agent\", "
            + "\"image\": \"registry.example/agent:2.0\", "
            + "\"securityContext\": {\"privileged\": true}},\n");
    byte[] fixture = text.getBytes(StandardCharsets.UTF_8);
    JsonNode object = JSON.readTree(fixture).path("request").path("object");
    assertThat(object.path("spec").path("containers")).hasSize(2);

    JsonNode r = review("/admission/mutate", fixture);

    assertThat(r.path("allowed").asBoolean()).isTrue();
    JsonNode patch = JSON.readTree(Base64.getDecoder().decode(r.path("patch").asString()));
    assertThat(patch.valueStream().map(op -> op.path("path").asString()))
        .contains("/spec/containers/1/securityContext/allowPrivilegeEscalation")
        .noneMatch(p -> p.startsWith("/spec/containers/0/securityContext/allowPrivilegeEscalation"));
    JsonNode patched = JsonPatch.apply(patch, object);
    JsonNode agent = patched.path("spec").path("containers").path(0).path("securityContext");
    assertThat(agent.path("privileged").asBoolean()).isTrue();
    assertThat(agent.has("allowPrivilegeEscalation")).isFalse();
    assertThat(patched.path("spec").path("containers").path(1).path("securityContext")
        .path("allowPrivilegeEscalation").asBoolean(true)).isFalse();
    assertThat(failing(patched)).contains("privilege-escalation-allowed");
    assertThat(events("3b2f7c1e-0003-4000-8000-0000000000a3"))
        .filteredOn(e -> e.action().equals("MUTATE")
            && e.controlId().equals("privilege-escalation-allowed"))
        .extracting(AdmissionEvent::path)
        .containsExactly("spec.containers[1].securityContext.allowPrivilegeEscalation");
  }

  @Test
  void mutationPatchesAControllersPodTemplate() throws Exception {
    byte[] fixture = fixture("create-job-restricted-violations.json");
    JsonNode r = review("/admission/mutate", fixture);
    JsonNode patch = JSON.readTree(Base64.getDecoder().decode(r.path("patch").asString()));
    assertThat(patch.valueStream().map(op -> op.path("path").asString()))
        .allMatch(p -> p.startsWith("/spec/template/spec/"));
    JsonNode patched = JsonPatch.apply(patch, JSON.readTree(fixture).path("request")
        .path("object"));
    assertThat(failing(patched)).doesNotContain("missing-seccomp-profile",
        "privilege-escalation-allowed", "capabilities-not-dropped");
  }

  @Test
  void mutationLeavesCleanAndExemptObjectsAlone() throws Exception {
    for (String f : List.of("create-pod-clean.json", "create-pod-privileged-kube-system.json",
        "delete-deployment-privileged.json")) {
      JsonNode r = review("/admission/mutate", fixture(f));
      assertThat(r.path("allowed").asBoolean()).isTrue();
      assertThat(r.has("patch")).as(f).isFalse();
    }
  }

  @Test
  void mutationSetsAFlagOfAControlPlanePodButNeverOfAMirrorPod() throws Exception {
    // a mirror pod is the kubelet's copy of a static pod: a patch would show a fix that the
    // pod the kubelet runs from its file does not have
    for (boolean mirror : List.of(false, true)) {
      String uid = "3b2f7c1e-0001-4000-8000-0000000000c" + (mirror ? "2" : "1");
      String text = new String(fixture("create-pod-clean.json"), StandardCharsets.UTF_8)
          .replace("3b2f7c1e-0001-4000-8000-000000000001", uid)
          .replace("\"image\": \"registry.example/web:1.4.2\",",
              "\"image\": \"registry.k8s.io/kube-apiserver:v1.31.0\", "
              + "\"command\": [\"kube-apiserver\", \"--secure-port=6443\"],")
          .replace("\"labels\": {", mirror
              ? "\"annotations\": {\"kubernetes.io/config.mirror\": \"0e3c4a3b\"},\n"
                  + "        \"labels\": {" : "\"labels\": {");
      byte[] fixture = text.getBytes(StandardCharsets.UTF_8);
      JsonNode object = JSON.readTree(fixture).path("request").path("object");
      assertThat(failing(object)).contains("apiserver-profiling-enabled");

      JsonNode r = review("/admission/mutate", fixture);

      assertThat(r.path("allowed").asBoolean()).isTrue();
      if (mirror) {
        assertThat(r.has("patch")).isFalse();
        assertThat(events(uid)).noneMatch(e -> e.action().equals("MUTATE"));
      } else {
        JsonNode patch = JSON.readTree(Base64.getDecoder().decode(r.path("patch").asString()));
        assertThat(JSON.writeValueAsString(patch)).isEqualTo("[{\"op\":\"add\",\"path\":"
            + "\"/spec/containers/0/command/2\",\"value\":\"--profiling=false\"}]");
        assertThat(failing(JsonPatch.apply(patch, object)))
            .doesNotContain("apiserver-profiling-enabled");
      }
    }
  }

  @Test
  void aPodUpdateIsNeverPatched() throws Exception {
    String update = new String(fixture("create-pod-restricted-violations.json"),
        StandardCharsets.UTF_8).replace("\"operation\": \"CREATE\"", "\"operation\": \"UPDATE\"");
    JsonNode r = review("/admission/mutate", update.getBytes(StandardCharsets.UTF_8));
    assertThat(r.path("allowed").asBoolean()).isTrue();
    assertThat(r.has("patch")).isFalse();
  }

  @Test
  void remediateNeedsAControlWithAPatch() {
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> Admission.create(
        SETTINGS.withRemediate(Set.of("mutable-image-tags")), LIBRARY, OPTIONS, null, CLUSTER,
        null, metrics, Clock.systemUTC()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("admission.controls.mutable-image-tags.remediate: the control has"
            + " no patch");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> Admission.create(
        SETTINGS.withControls(Map.of("no-such-control", WARN)), LIBRARY, OPTIONS, null, CLUSTER,
        null, metrics, Clock.systemUTC()))
        .hasMessageContaining("admission.controls.no-such-control: unknown control");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> Admission.create(
        SETTINGS.withFrameworks(Map.of("pss-strict", WARN)), LIBRARY, OPTIONS, null, CLUSTER,
        null, metrics, Clock.systemUTC()))
        .hasMessageContaining("admission.frameworks.pss-strict: unknown framework");
  }

  /** The ids of the controls that fail on an object, by the engine itself. */
  static Set<String> failing(JsonNode object) {
    @SuppressWarnings("unchecked")
    Map<String, Object> plain = JSON.treeToValue(object, Map.class);
    Map<String, Object> normal = ReviewRequest.parse(JSON.writeValueAsBytes(Map.of(
        "apiVersion", "admission.k8s.io/v1", "kind", "AdmissionReview", "request", Map.of(
            "uid", "x", "operation", "CREATE", "object", plain)))).object();
    return new Scanner(OPTIONS).evaluate(Resource.of(normal, Origin.live(null)),
        Inventory.EMPTY).failedControls();
  }

  // The API, metrics

  @Test
  void eventsArePagedReadOnlyInTheApi() throws Exception {
    review("/admission/validate", new String(fixture("create-pod-latest-tag.json"),
        StandardCharsets.UTF_8).replace("3b2f7c1e-0004-", "3b2f7c1e-9004-")
        .getBytes(StandardCharsets.UTF_8));
    admission.flushEvents();
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
        + server.port() + "/api/v1/admission/events?action=audit&limit=1"))
        .header("Authorization", "Bearer " + TOKEN).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    JsonNode page = JSON.readTree(r.body());
    assertThat(page.path("items")).hasSize(1);
    assertThat(page.path("items").path(0).path("action").asString()).isEqualTo("audit");
    assertThat(page.path("items").path(0).path("control").asString())
        .isEqualTo("mutable-image-tags");
    assertThat(page.path("total").asLong()).isPositive();
    HttpResponse<String> unauthenticated = http.send(HttpRequest.newBuilder(URI.create(
        "http://127.0.0.1:" + server.port() + "/api/v1/admission/events")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(unauthenticated.statusCode()).isEqualTo(401);
    HttpResponse<String> bad = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
        + server.port() + "/api/v1/admission/events?action=deny"))
        .header("Authorization", "Bearer " + TOKEN).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(bad.statusCode()).isEqualTo(400);
    assertThat(bad.body()).contains("expected audit, warn, enforce or mutate");
    HttpResponse<String> openApi = http.send(HttpRequest.newBuilder(URI.create(
        "http://127.0.0.1:" + server.port() + "/api/v1/openapi.json"))
        .header("Authorization", "Bearer " + TOKEN).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(JSON.readTree(openApi.body()).path("paths").has("/api/v1/admission/events"))
        .isTrue();
  }

  @Test
  void metricsCountDecisionsAndTimeReviews() throws Exception {
    validate("create-deployment-privileged.json");
    validate("create-pod-clean.json");
    post("/admission/validate", "nope".getBytes(StandardCharsets.UTF_8));
    String scrape = metrics.scrape();
    assertThat(scrape).contains("plumbline_admission_reviews_total{decision=\"denied\","
        + "webhook=\"validate\"}")
        .contains("plumbline_admission_reviews_total{decision=\"allowed\",webhook=\"validate\"}")
        .contains("plumbline_admission_reviews_total{decision=\"invalid\",webhook=\"validate\"}")
        .contains("plumbline_admission_review_duration_seconds_bucket{le=\"0.005\"}");
  }
}
