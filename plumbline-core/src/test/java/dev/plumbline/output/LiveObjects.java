package dev.plumbline.output;

import dev.plumbline.resource.ManifestReader;
import dev.plumbline.resource.Resource;
import java.util.List;
import java.util.Map;

/** Objects as a live cluster would return them (read here from text, then given no file). */
final class LiveObjects {
  private static final String YAML = """
      apiVersion: apps/v1
      kind: Deployment
      metadata:
        name: api
        namespace: payments
        resourceVersion: "4711"
      spec:
        template:
          spec:
            containers:
              - name: api
                image: payments/api:latest
                securityContext:
                  privileged: true
      ---
      apiVersion: v1
      kind: Namespace
      metadata:
        name: payments
        resourceVersion: "4711"
      """;

  private LiveObjects() {}

  static List<Map<String, Object>> all() {
    return new ManifestReader().readString("live", YAML).resources().stream()
        .map(Resource::object).toList();
  }
}
