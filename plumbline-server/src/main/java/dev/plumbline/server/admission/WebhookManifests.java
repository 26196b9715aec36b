package dev.plumbline.server.admission;

import dev.plumbline.control.Control;
import dev.plumbline.control.Framework;
import dev.plumbline.control.Library;
import dev.plumbline.scan.ScanOptions;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.snakeyaml.engine.v2.api.Dump;
import org.snakeyaml.engine.v2.api.DumpSettings;
import org.snakeyaml.engine.v2.common.FlowStyle;

/**
 * The Kubernetes objects that register Plumbline as a validating and a mutating admission
 * webhook ({@code plumbline admission manifests}): both webhook configurations, the Service they
 * call, and either a generated CA and serving certificate (a TLS Secret, the CA in
 * {@code caBundle}) or cert-manager's Issuer and Certificate with the cainjector annotation.
 *
 * @param namespace where Plumbline runs
 * @param service the name of the webhook's Service (and of its Secret or Certificate)
 * @param targetPort the port {@code plumbline serve} listens on (with server.tls set)
 * @param certManager whether cert-manager makes the certificate
 * @param validity how long generated certificates are valid
 */
public record WebhookManifests(String namespace, String service, int targetPort,
    boolean certManager, Duration validity) {

  /** The API resource of each kind a control may target: group, version, plural. */
  static final Map<String, String[]> RESOURCES = resources();

  private static Map<String, String[]> resources() {
    Map<String, String[]> m = new LinkedHashMap<>();
    for (String[] r : new String[][] {
        {"Pod", "", "v1", "pods"}, {"ReplicationController", "", "v1", "replicationcontrollers"},
        {"PodTemplate", "", "v1", "podtemplates"}, {"Service", "", "v1", "services"},
        {"ServiceAccount", "", "v1", "serviceaccounts"}, {"ConfigMap", "", "v1", "configmaps"},
        {"Namespace", "", "v1", "namespaces"},
        {"Deployment", "apps", "v1", "deployments"}, {"StatefulSet", "apps", "v1", "statefulsets"},
        {"DaemonSet", "apps", "v1", "daemonsets"}, {"ReplicaSet", "apps", "v1", "replicasets"},
        {"Job", "batch", "v1", "jobs"}, {"CronJob", "batch", "v1", "cronjobs"},
        {"Ingress", "networking.k8s.io", "v1", "ingresses"},
        {"NetworkPolicy", "networking.k8s.io", "v1", "networkpolicies"},
        {"Role", "rbac.authorization.k8s.io", "v1", "roles"},
        {"ClusterRole", "rbac.authorization.k8s.io", "v1", "clusterroles"},
        {"RoleBinding", "rbac.authorization.k8s.io", "v1", "rolebindings"},
        {"ClusterRoleBinding", "rbac.authorization.k8s.io", "v1", "clusterrolebindings"}}) {
      m.put(r[0], new String[] {r[1], r[2], r[3]});
    }
    return java.util.Collections.unmodifiableMap(m);
  }

  public WebhookManifests {
    if (!namespace.matches("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?")) {
      throw new IllegalArgumentException("--namespace: not a namespace name: " + namespace);
    }
    if (!service.matches("[a-z]([-a-z0-9]{0,61}[a-z0-9])?")) {
      throw new IllegalArgumentException("--service: not a Service name: " + service);
    }
    if (targetPort < 1 || targetPort > 65535) {
      throw new IllegalArgumentException("--target-port: must be 1 to 65535: " + targetPort);
    }
  }

  /**
   * The manifests as one YAML stream, for the controls and admission settings of a serve
   * configuration.
   */
  public String yaml(AdmissionSettings settings, Library library, ScanOptions options,
      Clock clock) {
    Map<String, Set<String>> frameworksOf = new HashMap<>();
    for (Framework f : library.frameworks()) {
      for (String id : library.frameworkControls(f, options.pssVersion())) {
        frameworksOf.computeIfAbsent(id, k -> new TreeSet<>()).add(f.id());
      }
    }
    Policy policy = new Policy(settings, frameworksOf);
    Set<String> judged = new TreeSet<>();
    Set<String> mutated = new TreeSet<>();
    for (Control c : options.controls()) {
      if (policy.everOn(c)) {
        judged.addAll(Admission.kinds(c));
        if (settings.remediate().contains(c.id())) {
          mutated.addAll(Admission.kinds(c));
        }
      }
    }
    Set<String> unknown = new TreeSet<>(judged);
    unknown.removeAll(RESOURCES.keySet());
    StringBuilder out = new StringBuilder();
    out.append("# Plumbline admission webhooks for the Service ").append(service).append(" in ")
        .append(namespace).append(".\n")
        .append("# plumbline serve must run with TLS on port ").append(targetPort)
        .append(" (server.tls.certificate and server.tls.key: tls.crt and tls.key of the\n")
        .append("# Secret ").append(secretName()).append(", mounted) and admission.enabled:"
            + " true. See docs/admission.md.\n")
        .append("# Failure policy: ").append(settings.failurePolicy().kubernetes())
        .append(" (fail ").append(settings.failurePolicy() == AdmissionSettings.FailurePolicy.OPEN
            ? "open" : "closed").append("). Exempt namespaces: ")
        .append(String.join(", ", new TreeSet<>(settings.exemptNamespaces()))).append(".\n");
    if (!unknown.isEmpty()) {
      out.append("# Kinds some control judges but no rule sends (no known API resource): ")
          .append(String.join(", ", unknown)).append(".\n");
    }
    if (mutated.isEmpty()) {
      out.append("# No control has remediate: auto: the mutating webhook changes nothing until"
          + " one has.\n");
      mutated.addAll(dev.plumbline.resource.Workload.kinds());
    }
    String caBundle = null;
    List<Map<String, Object>> docs = new ArrayList<>();
    if (certManager) {
      docs.add(issuer());
      docs.add(certificate());
    } else {
      WebhookCertificates certs = WebhookCertificates.generate(service, namespace, List.of(),
          validity, clock);
      caBundle = base64(certs.caCertificate());
      docs.add(secret(certs));
    }
    docs.add(serviceObject());
    docs.add(webhooks("ValidatingWebhookConfiguration", "validate", judged, settings,
        caBundle));
    docs.add(webhooks("MutatingWebhookConfiguration", "mutate", mutated, settings, caBundle));
    DumpSettings dump = DumpSettings.builder().setDefaultFlowStyle(FlowStyle.BLOCK)
        .setIndent(2).setIndicatorIndent(2).setIndentWithIndicator(true)
        .setWidth(200).setSplitLines(false).build();
    for (Map<String, Object> doc : docs) {
      out.append("---\n").append(new Dump(dump).dumpToString(doc));
    }
    return out.toString();
  }

  private String secretName() {
    return service + "-tls";
  }

  private Map<String, Object> metadata(String name, boolean namespaced) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("name", name);
    if (namespaced) {
      m.put("namespace", namespace);
    }
    m.put("labels", new LinkedHashMap<>(Map.of("app.kubernetes.io/name", "plumbline",
        "app.kubernetes.io/component", "admission-webhook")));
    return m;
  }

  private static Map<String, Object> object(String apiVersion, String kind,
      Map<String, Object> metadata) {
    Map<String, Object> o = new LinkedHashMap<>();
    o.put("apiVersion", apiVersion);
    o.put("kind", kind);
    o.put("metadata", metadata);
    return o;
  }

  private Map<String, Object> secret(WebhookCertificates certs) {
    Map<String, Object> s = object("v1", "Secret", metadata(secretName(), true));
    s.put("type", "kubernetes.io/tls");
    Map<String, Object> data = new LinkedHashMap<>();
    data.put("ca.crt", base64(certs.caCertificate()));
    data.put("tls.crt", base64(certs.certificate()));
    data.put("tls.key", base64(certs.privateKey()));
    s.put("data", data);
    return s;
  }

  private Map<String, Object> issuer() {
    Map<String, Object> i = object("cert-manager.io/v1", "Issuer",
        metadata(service + "-selfsigned", true));
    i.put("spec", new LinkedHashMap<>(Map.of("selfSigned", new LinkedHashMap<>())));
    return i;
  }

  private Map<String, Object> certificate() {
    Map<String, Object> c = object("cert-manager.io/v1", "Certificate", metadata(service, true));
    Map<String, Object> spec = new LinkedHashMap<>();
    spec.put("secretName", secretName());
    spec.put("dnsNames", List.of(service + "." + namespace + ".svc",
        service + "." + namespace + ".svc.cluster.local"));
    spec.put("privateKey", new LinkedHashMap<>(Map.of("algorithm", "ECDSA", "size", 256)));
    spec.put("duration", validity.toHours() + "h");
    Map<String, Object> ref = new LinkedHashMap<>();
    ref.put("kind", "Issuer");
    ref.put("name", service + "-selfsigned");
    spec.put("issuerRef", ref);
    c.put("spec", spec);
    return c;
  }

  private Map<String, Object> serviceObject() {
    Map<String, Object> s = object("v1", "Service", metadata(service, true));
    Map<String, Object> spec = new LinkedHashMap<>();
    spec.put("type", "ClusterIP");
    spec.put("selector", new LinkedHashMap<>(Map.of("app.kubernetes.io/name", "plumbline")));
    Map<String, Object> port = new LinkedHashMap<>();
    port.put("name", "https-webhook");
    port.put("port", 443);
    port.put("targetPort", targetPort);
    port.put("protocol", "TCP");
    spec.put("ports", List.of(port));
    s.put("spec", spec);
    return s;
  }

  private Map<String, Object> webhooks(String kind, String path, Set<String> kinds,
      AdmissionSettings settings, String caBundle) {
    Map<String, Object> metadata = metadata("plumbline", false);
    if (caBundle == null) {
      metadata.put("annotations", new LinkedHashMap<>(Map.of("cert-manager.io/inject-ca-from",
          namespace + "/" + service)));
    }
    Map<String, Object> config = object("admissionregistration.k8s.io/v1", kind, metadata);
    Map<String, Object> hook = new LinkedHashMap<>();
    hook.put("name", path + ".plumbline.dev");
    hook.put("admissionReviewVersions", List.of("v1"));
    // reviews record events, except those of dry runs
    hook.put("sideEffects", "NoneOnDryRun");
    hook.put("failurePolicy", settings.failurePolicy().kubernetes());
    hook.put("matchPolicy", "Equivalent");
    // the API server waits a little longer than Plumbline takes to apply its own timeout
    long seconds = Math.min(30, Math.max(1, (settings.timeout().toMillis() + 999) / 1000 + 1));
    hook.put("timeoutSeconds", seconds);
    if (kind.startsWith("Mutating")) {
      hook.put("reinvocationPolicy", "IfNeeded");
    }
    Map<String, Object> expression = new LinkedHashMap<>();
    expression.put("key", "kubernetes.io/metadata.name");
    expression.put("operator", "NotIn");
    expression.put("values", new ArrayList<>(new TreeSet<>(settings.exemptNamespaces())));
    hook.put("namespaceSelector", new LinkedHashMap<>(Map.of("matchExpressions",
        List.of(expression))));
    Map<String, Object> svc = new LinkedHashMap<>();
    svc.put("namespace", namespace);
    svc.put("name", service);
    svc.put("path", "/admission/" + path);
    svc.put("port", 443);
    Map<String, Object> client = new LinkedHashMap<>();
    client.put("service", svc);
    if (caBundle != null) {
      client.put("caBundle", caBundle);
    }
    hook.put("clientConfig", client);
    hook.put("rules", rules(kinds));
    config.put("webhooks", List.of(hook));
    return config;
  }

  /** One rule per API group and version, resources sorted. */
  private static List<Map<String, Object>> rules(Set<String> kinds) {
    Map<String, Set<String>> byGroupVersion = new TreeMap<>();
    for (String kind : kinds) {
      String[] r = RESOURCES.get(kind);
      if (r != null) {
        Set<String> resources = byGroupVersion.computeIfAbsent(r[0] + "/" + r[1],
            k -> new TreeSet<>());
        resources.add(r[2]);
        if (kind.equals("Pod")) {
          // kubectl debug adds ephemeral containers through this subresource (the whole Pod)
          resources.add("pods/ephemeralcontainers");
        }
      }
    }
    List<Map<String, Object>> rules = new ArrayList<>();
    byGroupVersion.forEach((gv, resources) -> {
      Map<String, Object> rule = new LinkedHashMap<>();
      rule.put("apiGroups", List.of(gv.substring(0, gv.indexOf('/'))));
      rule.put("apiVersions", List.of(gv.substring(gv.indexOf('/') + 1)));
      rule.put("operations", List.of("CREATE", "UPDATE"));
      rule.put("resources", new ArrayList<>(resources));
      rule.put("scope", "*");
      rules.add(rule);
    });
    return rules;
  }

  private static String base64(String text) {
    return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.US_ASCII));
  }
}
