package dev.plumbline.report;

import dev.plumbline.control.Library;
import dev.plumbline.exceptions.ExceptionSet;
import dev.plumbline.resource.ManifestReader;
import dev.plumbline.scan.ScanOptions;
import dev.plumbline.scan.ScanResult;
import dev.plumbline.scan.Scanner;
import dev.plumbline.scan.Selection;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;

/** Reports of scans of generated manifests, at a fixed time. */
final class Fixtures {
  static final Instant NOW = Instant.parse("2026-06-15T10:30:00Z");
  static final String HOSTILE_NAME = "=cmd|' /C calc'!A0,\"quoted\"\nsecond-line";
  static final String SCRIPT_NS = "<script>alert(1)</script>";

  private Fixtures() {}

  /** A privileged Deployment per index, plus one with a hostile name and namespace. */
  static String manifests(int deployments) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < deployments; i++) {
      b.append(deployment("web-" + i, "shop", true));
    }
    b.append(deployment(HOSTILE_NAME, SCRIPT_NS, true));
    b.append(deployment("log-collector", "logging", false));
    return b.toString();
  }

  private static String deployment(String name, String namespace, boolean privileged) {
    return """
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: %s
          namespace: %s
        spec:
          template:
            spec:
              containers:
                - name: app
                  image: registry.example.com/app:1.0
                  securityContext:
                    privileged: %s
              volumes:
                - name: logs
                  hostPath:
                    path: /var/log
        ---
        """.formatted(quote(name), quote(namespace), privileged);
  }

  private static String quote(String s) {
    return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n") + "\"";
  }

  static final String EXCEPTIONS = """
      apiVersion: plumbline.dev/v1
      kind: ExceptionList
      exceptions:
        - name: log-collector-host-access
          controls: [host-path-volumes]
          namespaces: [logging]
          names: [log-collector]
          reason: Reads the nodes' log files; replaced by the metadata processor in 2027
          owner: platform-team@example.com
          expires: 2027-03-31
      """;

  /** The CIS report of a scan of {@link #manifests} written to {@code dir}. */
  static Report cis(Path dir, int deployments) throws IOException {
    Path file = dir.resolve("app.yaml");
    Files.writeString(file, manifests(deployments));
    Library library = Library.builtIn();
    Selection selection = Selection.resolve(library, List.of("cis"), List.of(), null,
        java.util.Map.of());
    ExceptionSet exceptions = ExceptionSet.parse("exceptions.yaml", EXCEPTIONS,
        id -> library.control(id) != null);
    ScanOptions options = ScanOptions.of(selection).withExceptions(exceptions)
        .withClock(Clock.fixed(NOW, ZoneOffset.UTC));
    ScanResult result = new Scanner(options).scan(new ManifestReader()
        .read(List.of(file.toString()), new ByteArrayInputStream(new byte[0])));
    return ScanReport.of(result, exceptions, "cis", library,
        new Report.Source("manifests", List.of(file.toString()), null, null, null, null), NOW);
  }
}
