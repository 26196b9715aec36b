package dev.plumbline.bench;

import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import org.snakeyaml.engine.v2.api.Dump;
import org.snakeyaml.engine.v2.api.DumpSettings;
import org.snakeyaml.engine.v2.common.FlowStyle;

/**
 * Writes realistic synthetic manifests shaped like a large cluster: namespaces of applications
 * (Deployments with their ReplicaSets and Pods, StatefulSets, DaemonSets, CronJobs), Services,
 * Ingresses, ConfigMaps, Secrets, ServiceAccounts, RBAC and NetworkPolicies, with the
 * misconfigurations real clusters have, at realistic rates. Output is deterministic for a seed.
 *
 * <p>Usage: {@code java -cp plumbline-bench/target/plumbline-bench.jar
 * dev.plumbline.bench.ManifestGenerator --resources 100000 --out bench-out/100k [--seed 42]}
 */
public final class ManifestGenerator {
  private static final String[] APPS = {"checkout", "cart", "catalog", "search", "payments",
      "orders", "inventory", "shipping", "users", "auth", "gateway", "notifications", "reports",
      "billing", "recommendations", "reviews", "media", "analytics", "pricing", "loyalty"};
  private static final String[] IMAGES = {"nginx:1.27.2", "node:20.18-alpine",
      "python:3.12-slim", "eclipse-temurin:21-jre", "golang:1.23", "redis:7.4", "postgres:16.4",
      "envoyproxy/envoy:v1.31.2", "ghcr.io/acme/api:2.14.3",
      "ghcr.io/acme/worker@sha256:4f1e7c0b3d8a9e2f6b5c4d3e2f1a0b9c8d7e6f5a4b3c2d1e0f9a8b7c6d5e4f3a"};

  private final Random random;
  private final List<Object> documents = new ArrayList<>();
  private int count;

  private ManifestGenerator(long seed) {
    this.random = new Random(seed);
  }

  public static void main(String[] args) throws IOException {
    int resources = 100_000;
    Path dir = Path.of("bench-out/manifests");
    long seed = 42;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--resources" -> resources = Integer.parseInt(args[++i]);
        case "--out" -> dir = Path.of(args[++i]);
        case "--seed" -> seed = Long.parseLong(args[++i]);
        default -> {
          System.err.println("usage: ManifestGenerator [--resources N] [--out DIR] [--seed S]");
          System.exit(2);
        }
      }
    }
    int written = generate(resources, dir, seed);
    System.out.println("wrote " + written + " resources to " + dir);
  }

  /** Writes about {@code resources} objects (one file per namespace); returns the count. */
  public static int generate(int resources, Path dir, long seed) throws IOException {
    Files.createDirectories(dir);
    ManifestGenerator g = new ManifestGenerator(seed);
    Dump dump = new Dump(DumpSettings.builder().setDefaultFlowStyle(FlowStyle.BLOCK)
        .setExplicitStart(true).setWidth(200).build());
    g.clusterWide();
    g.flush(dump, dir.resolve("cluster.yaml"));
    int ns = 0;
    while (g.count < resources) {
      g.namespace("team-" + ns, ns, resources);
      g.flush(dump, dir.resolve(String.format("ns-%05d.yaml", ns)));
      ns++;
    }
    return g.count;
  }

  private void flush(Dump dump, Path file) throws IOException {
    try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      w.write(dump.dumpAllToString(documents.iterator()));
    }
    documents.clear();
  }

  private boolean chance(double p) {
    return random.nextDouble() < p;
  }

  private void doc(Map<String, Object> object) {
    documents.add(object);
    count++;
  }

  /** A map from alternating keys and values, keeping their order. */
  private static Map<String, Object> m(Object... keysAndValues) {
    Map<String, Object> map = new LinkedHashMap<>();
    for (int i = 0; i < keysAndValues.length; i += 2) {
      if (keysAndValues[i + 1] != null) {
        map.put((String) keysAndValues[i], keysAndValues[i + 1]);
      }
    }
    return map;
  }

  private static List<Object> l(Object... items) {
    return new ArrayList<>(List.of(items));
  }

  private static Map<String, Object> meta(String name, String namespace, Object... more) {
    Map<String, Object> meta = m("name", name, "namespace", namespace);
    meta.putAll(m(more));
    return meta;
  }

  private void clusterWide() {
    doc(m("apiVersion", "rbac.authorization.k8s.io/v1", "kind", "ClusterRole",
        "metadata", m("name", "monitoring-reader"),
        "rules", l(m("apiGroups", l(""), "resources", l("pods", "services", "endpoints", "nodes"),
            "verbs", l("get", "list", "watch")))));
    doc(m("apiVersion", "rbac.authorization.k8s.io/v1", "kind", "ClusterRole",
        "metadata", m("name", "platform-operator"),
        "rules", l(m("apiGroups", l("*"), "resources", l("*"), "verbs", l("*")))));
    doc(m("apiVersion", "rbac.authorization.k8s.io/v1", "kind", "ClusterRoleBinding",
        "metadata", m("name", "platform-operator"),
        "roleRef", m("apiGroup", "rbac.authorization.k8s.io", "kind", "ClusterRole",
            "name", "platform-operator"),
        "subjects", l(m("kind", "ServiceAccount", "name", "operator", "namespace", "platform"))));
  }

  private void namespace(String name, int index, int limit) {
    boolean hardened = chance(0.4);
    Map<String, Object> labels = m("team", name);
    String psa = hardened ? "restricted" : chance(0.5) ? "baseline" : null;
    if (psa != null) {
      labels.put("pod-security.kubernetes.io/enforce", psa);
    }
    doc(m("apiVersion", "v1", "kind", "Namespace", "metadata", m("name", name, "labels", labels)));
    if (chance(0.5)) {
      doc(m("apiVersion", "networking.k8s.io/v1", "kind", "NetworkPolicy",
          "metadata", meta("default-deny", name),
          "spec", m("podSelector", m(), "policyTypes", l("Ingress", "Egress"))));
    }
    if (chance(0.5)) {
      doc(m("apiVersion", "v1", "kind", "ResourceQuota", "metadata", meta("quota", name),
          "spec", m("hard", m("requests.cpu", "20", "requests.memory", "64Gi",
              "limits.memory", "128Gi"))));
    }
    for (int sa = 0; sa < 3; sa++) {
      doc(m("apiVersion", "v1", "kind", "ServiceAccount", "metadata", meta("app-" + sa, name),
          "automountServiceAccountToken", chance(0.5) ? false : null));
    }
    doc(m("apiVersion", "rbac.authorization.k8s.io/v1", "kind", "Role",
        "metadata", meta("deployer", name),
        "rules", l(
            m("apiGroups", l("apps"), "resources", l("deployments"),
                "verbs", l("get", "list", "watch", "update", "patch")),
            m("apiGroups", l(""), "resources", l(chance(0.2) ? "secrets" : "configmaps"),
                "verbs", l("get", "list")))));
    doc(m("apiVersion", "rbac.authorization.k8s.io/v1", "kind", "RoleBinding",
        "metadata", meta("deployer", name),
        "roleRef", m("apiGroup", "rbac.authorization.k8s.io", "kind", "Role", "name", "deployer"),
        "subjects", l(m("kind", "ServiceAccount", "name", chance(0.1) ? "default" : "app-0",
            "namespace", name))));
    for (int a = 0; a < 12 && count < limit; a++) {
      application(name, APPS[(index + a) % APPS.length], hardened);
    }
  }

  private void application(String ns, String app, boolean hardened) {
    boolean secure = hardened || chance(0.6);
    String kind = chance(0.1) ? "StatefulSet" : chance(0.05) ? "DaemonSet" : "Deployment";
    Map<String, Object> selector = m("matchLabels", m("app", app));
    Map<String, Object> template = m("metadata", m("labels", m("app", app, "tier", "backend")),
        "spec", podSpec(app, secure, false));
    doc(m("apiVersion", "apps/v1", "kind", kind,
        "metadata", meta(app, ns, "labels", m("app", app, "tier", "backend")),
        "spec", m("replicas", kind.equals("DaemonSet") ? null : 3L, "selector", selector,
            "template", template)));
    if (kind.equals("Deployment")) {
      String hash = Integer.toHexString(0x1000000 + random.nextInt(0xeffffff));
      Map<String, Object> podSpec = podSpec(app, secure, false);
      doc(m("apiVersion", "apps/v1", "kind", "ReplicaSet",
          "metadata", meta(app + "-" + hash, ns, "labels", m("app", app),
              "ownerReferences", l(owner("apps/v1", "Deployment", app))),
          "spec", m("replicas", 3L, "selector", selector,
              "template", m("metadata", m("labels", m("app", app)), "spec", podSpec))));
      for (int p = 0; p < 3; p++) {
        doc(m("apiVersion", "v1", "kind", "Pod",
            "metadata", meta(app + "-" + hash + "-" + Integer.toHexString(random.nextInt(0xfffff)),
                ns, "labels", m("app", app, "tier", "backend"),
                "ownerReferences", l(owner("apps/v1", "ReplicaSet", app + "-" + hash))),
            "spec", podSpec(app, secure, true)));
      }
    }
    String type = chance(0.05) ? "NodePort" : chance(0.05) ? "LoadBalancer" : "ClusterIP";
    doc(m("apiVersion", "v1", "kind", "Service", "metadata", meta(app, ns),
        "spec", m("type", type, "selector", m("app", app),
            "ports", l(m("name", "http", "port", 80L, "targetPort", 8080L)))));
    Map<String, Object> data = m("LOG_LEVEL", "info", "FEATURE_FLAGS", "search,recommendations",
        "application.properties", "server.port=8080\nspring.datasource.url=jdbc:postgresql://"
            + "postgres:5432/" + app + "\nspring.datasource.password=${DB_PASSWORD}\n");
    if (chance(0.03)) {
      data.put("DB_PASSWORD", "hunter2-" + random.nextInt(1000));
    }
    doc(m("apiVersion", "v1", "kind", "ConfigMap", "metadata", meta(app + "-config", ns),
        "data", data));
    doc(m("apiVersion", "v1", "kind", "Secret", "metadata", meta(app + "-credentials", ns),
        "type", "Opaque", "data", m("password", "c2VjcmV0LXBhc3N3b3Jk")));
    if (chance(0.5)) {
      doc(m("apiVersion", "networking.k8s.io/v1", "kind", "NetworkPolicy",
          "metadata", meta(app, ns),
          "spec", m("podSelector", selector, "policyTypes", l("Ingress"),
              "ingress", l(m("from", l(m("podSelector", m("matchLabels", m("app", "gateway")))),
                  "ports", l(m("port", 8080L)))))));
    }
    if (chance(0.2)) {
      String host = app + ".example.com";
      doc(m("apiVersion", "networking.k8s.io/v1", "kind", "Ingress", "metadata", meta(app, ns),
          "spec", m("tls", chance(0.7) ? l(m("hosts", l(host), "secretName", app + "-tls")) : null,
              "rules", l(m("host", host, "http", m("paths", l(m("path", "/",
                  "pathType", "Prefix", "backend", m("service", m("name", app,
                      "port", m("number", 80L)))))))))));
    }
    if (chance(0.3)) {
      Map<String, Object> spec = podSpec(app, secure, false);
      spec.put("restartPolicy", "OnFailure");
      doc(m("apiVersion", "batch/v1", "kind", "CronJob", "metadata", meta(app + "-cleanup", ns),
          "spec", m("schedule", "17 3 * * *", "jobTemplate", m("spec", m("template",
              m("metadata", m("labels", m("app", app, "job", "cleanup")), "spec", spec))))));
    }
  }

  private Map<String, Object> owner(String apiVersion, String kind, String name) {
    return m("apiVersion", apiVersion, "kind", kind, "name", name,
        "uid", new UUID(random.nextLong(), random.nextLong()).toString(), "controller", true);
  }

  private Map<String, Object> podSpec(String app, boolean secure, boolean live) {
    Map<String, Object> spec = new LinkedHashMap<>();
    if (!chance(0.3)) {
      spec.put("serviceAccountName", "app-" + random.nextInt(3));
    }
    if (secure) {
      spec.put("automountServiceAccountToken", false);
      spec.put("securityContext", m("runAsNonRoot", true,
          "seccompProfile", m("type", "RuntimeDefault")));
    } else if (chance(0.02)) {
      spec.put("hostNetwork", true);
    }
    List<Object> containers = new ArrayList<>();
    int n = 1 + (chance(0.3) ? 1 : 0) + (chance(0.05) ? 1 : 0);
    for (int c = 0; c < n; c++) {
      Map<String, Object> container = m("name", c == 0 ? app : "sidecar-" + c,
          "image", chance(0.08) ? "busybox:latest" : IMAGES[random.nextInt(IMAGES.length)],
          "ports", l(m("containerPort", chance(0.05) ? 80L : 8080L)),
          "env", l(m("name", "APP_NAME", "value", app),
              m("name", "DB_PASSWORD", "valueFrom", m("secretKeyRef",
                  m("name", app + "-credentials", "key", "password")))));
      if (!chance(0.2)) {
        container.put("resources", m("requests", m("cpu", "100m", "memory", "128Mi"),
            "limits", chance(0.25) ? null : m("memory", "256Mi")));
      }
      if (c == 0 && !chance(0.3)) {
        container.put("readinessProbe", m("httpGet", m("path", "/ready", "port", 8080L)));
        container.put("livenessProbe", m("httpGet", m("path", "/healthz", "port", 8080L)));
      }
      if (secure) {
        container.put("securityContext", m("allowPrivilegeEscalation", false,
            "readOnlyRootFilesystem", true, "capabilities", m("drop", l("ALL"))));
      } else if (chance(0.03)) {
        container.put("securityContext", m("privileged", true));
      } else if (chance(0.05)) {
        container.put("securityContext", m("capabilities", m("add", l("NET_ADMIN", "SYS_TIME"))));
      }
      containers.add(container);
    }
    spec.put("containers", containers);
    if (!secure && chance(0.02)) {
      spec.put("volumes", l(m("name", "docker",
          "hostPath", m("path", "/var/run/docker.sock"))));
    }
    if (live) {
      spec.put("nodeName", "node-" + random.nextInt(200));
      spec.put("restartPolicy", "Always");
    }
    return spec;
  }
}
