package dev.plumbline.resource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Timeout.ThreadMode.SEPARATE_THREAD;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A 100 MB manifest file is read completely with the test JVM's default heap. The reader streams
 * the file (no whole-file string, no node tree): what stays in memory is the resources it returns.
 * The timeout is a guard against hangs, not a performance figure.
 */
class LargeFileTest {
  private static final long SIZE = 100L * 1024 * 1024;

  @TempDir
  Path dir;

  @Test
  @Timeout(value = 5, unit = TimeUnit.MINUTES, threadMode = SEPARATE_THREAD)
  void readsAHundredMegabyteFileCompletely() throws IOException {
    Path file = dir.resolve("cluster-dump.yaml");
    int documents = writeManifests(file);
    assertThat(Files.size(file)).isGreaterThanOrEqualTo(SIZE);

    ManifestReader.Result result = new ManifestReader()
        .read(List.of(file.toString()), InputStream.nullInputStream());

    assertThat(result.errors()).isEmpty();
    assertThat(result.notes()).isEmpty();
    assertThat(result.resources()).hasSize(documents);
    Resource last = result.resources().get(documents - 1);
    assertThat(last.origin().document()).isEqualTo(documents - 1);
    assertThat(last.name()).isEqualTo(nameOf(documents - 1));
    assertThat(last.lineOf(FieldPath.parse("metadata.name")))
        .isEqualTo(last.origin().line() + 3);
  }

  /** Writes realistic documents (deployments, services, config maps) until the file is big. */
  private static int writeManifests(Path file) throws IOException {
    int n = 0;
    long written = 0;
    try (BufferedWriter out = Files.newBufferedWriter(file)) {
      while (written < SIZE) {
        String document = document(n++);
        out.write(document);
        written += document.length();
      }
    }
    return n;
  }

  private static String nameOf(int i) {
    return "app-" + i;
  }

  private static String document(int i) {
    String name = nameOf(i);
    String namespace = "team-" + (i % 40);
    return switch (i % 3) {
      case 0 -> """
          ---
          apiVersion: apps/v1
          kind: Deployment
          metadata:
            name: %1$s
            namespace: %2$s
            labels:
              app.kubernetes.io/name: %1$s
              app.kubernetes.io/part-of: shop
            annotations:
              description: "generated deployment %3$d"
          spec:
            replicas: 3
            selector:
              matchLabels:
                app.kubernetes.io/name: %1$s
            template:
              metadata:
                labels:
                  app.kubernetes.io/name: %1$s
              spec:
                serviceAccountName: %1$s
                automountServiceAccountToken: false
                securityContext:
                  runAsNonRoot: true
                  seccompProfile: {type: RuntimeDefault}
                containers:
                  - name: app
                    image: registry.example.com/shop/%1$s:1.4.%4$d
                    ports:
                      - {name: http, containerPort: 8080}
                    env:
                      - {name: LOG_LEVEL, value: info}
                      - name: DB_HOST
                        value: postgres.%2$s.svc.cluster.local
                    resources:
                      requests: {cpu: 100m, memory: 128Mi}
                      limits: {cpu: 500m, memory: 256Mi}
                    securityContext:
                      allowPrivilegeEscalation: false
                      readOnlyRootFilesystem: true
                      capabilities: {drop: [ALL]}
                    readinessProbe:
                      httpGet: {path: /healthz, port: http}
                    livenessProbe:
                      httpGet: {path: /healthz, port: http}
          """.formatted(name, namespace, i, i % 10);
      case 1 -> """
          ---
          apiVersion: v1
          kind: Service
          metadata:
            name: %1$s
            namespace: %2$s
            labels: {app.kubernetes.io/name: %1$s}
          spec:
            type: ClusterIP
            selector:
              app.kubernetes.io/name: %1$s
            ports:
              - name: http
                port: 80
                targetPort: http
          """.formatted(name, namespace);
      default -> """
          ---
          apiVersion: v1
          kind: ConfigMap
          metadata:
            name: %1$s
            namespace: %2$s
          data:
            LOG_LEVEL: info
            FEATURE_FLAGS: "checkout=on,reviews=off"
            application.properties: |
              server.port=8080
              spring.datasource.url=jdbc:postgresql://postgres.%2$s:5432/shop
              management.endpoints.web.exposure.include=health,info
          """.formatted(name, namespace);
    };
  }
}
