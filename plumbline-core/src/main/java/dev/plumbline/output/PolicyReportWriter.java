package dev.plumbline.output;

import dev.plumbline.control.Control;
import dev.plumbline.exceptions.PolicyException;
import dev.plumbline.resource.Origin;
import dev.plumbline.resource.ResourceRef;
import dev.plumbline.scan.ClusterScope;
import dev.plumbline.scan.Finding;
import dev.plumbline.scan.ScanResult;
import dev.plumbline.scan.Suppressed;
import java.io.IOException;
import java.io.Writer;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code wgpolicyk8s.io/v1alpha2} reports as multi-document YAML, ready for {@code kubectl apply}:
 * first a ClusterPolicyReport named {@code plumbline} for cluster-scoped resources (always
 * written, so that applying it also clears an older report), then a PolicyReport named
 * {@code plumbline} in each namespace that has results, in namespace order. Namespaced resources
 * without a namespace are reported in {@code default}, where kubectl would create them.
 *
 * <p>Results: one {@code fail} per open finding, one {@code skip} per suppressed finding and one
 * {@code pass} per control a resource passed; sorted by resource, then control, then path.
 * Input errors have no policy to report under and are left out (see the JSON or SARIF output).
 */
final class PolicyReportWriter implements FormatWriter {
  static final String API_VERSION = "wgpolicyk8s.io/v1alpha2";
  static final String NAME = "plumbline";
  static final String SOURCE = "plumbline";

  @Override
  public void write(ScanResult result, OutputContext context, Writer out) throws IOException {
    List<Judgement> judgements = new ArrayList<>(Judgement.of(result));
    judgements.sort(Comparator.comparing(Judgement::resource)); // stable: input order on ties
    List<Judgement> cluster = new ArrayList<>();
    Map<String, List<Judgement>> namespaced = new TreeMap<>();
    for (Judgement j : judgements) {
      if (ClusterScope.isClusterScoped(j.resource())) {
        cluster.add(j);
      } else {
        String ns = j.resource().namespace().isEmpty() ? "default" : j.resource().namespace();
        namespaced.computeIfAbsent(ns, k -> new ArrayList<>()).add(j);
      }
    }
    YamlEmitter yaml = new YamlEmitter(out);
    yaml.document(report("ClusterPolicyReport", null, cluster, result, context));
    for (Map.Entry<String, List<Judgement>> e : namespaced.entrySet()) {
      yaml.document(report("PolicyReport", e.getKey(), e.getValue(), result, context));
    }
  }

  private static ObjectNode report(String kind, String namespace, List<Judgement> judgements,
      ScanResult scan, OutputContext context) {
    ArrayNode results = JsonNodes.array();
    int pass = 0;
    int fail = 0;
    int skip = 0;
    for (Judgement j : judgements) {
      if (j.failed()) {
        for (Finding f : j.open()) {
          results.add(result(j, "fail", f.message(), scan).set("properties", evidence(f)));
          fail++;
        }
      } else if (j.skipped()) {
        for (Suppressed s : j.suppressed()) {
          ObjectNode properties = evidence(s.finding());
          exception(properties, s.exception());
          results.add(result(j, "skip", s.finding().message(), scan)
              .set("properties", properties));
          skip++;
        }
      } else {
        ObjectNode properties = JsonNodes.object();
        properties.put("controlVersion", Integer.toString(j.control().version()));
        results.add(result(j, "pass", j.control().title() + ": passed", scan)
            .set("properties", properties));
        pass++;
      }
    }

    ObjectNode o = JsonNodes.object();
    o.put("apiVersion", API_VERSION);
    o.put("kind", kind);
    ObjectNode metadata = o.putObject("metadata");
    metadata.put("name", NAME);
    if (namespace != null) {
      metadata.put("namespace", namespace);
    }
    metadata.putObject("labels").put("app.kubernetes.io/managed-by", "plumbline");
    metadata.putObject("annotations").put("plumbline.dev/version", context.toolVersion());
    ObjectNode summary = o.putObject("summary");
    summary.put("pass", pass);
    summary.put("fail", fail);
    summary.put("warn", 0);
    summary.put("error", 0);
    summary.put("skip", skip);
    o.set("results", results);
    return o;
  }

  private static ObjectNode result(Judgement j, String outcome, String message, ScanResult scan) {
    Control c = j.control();
    ObjectNode o = JsonNodes.object();
    o.put("policy", c.id());
    o.put("rule", c.id());
    o.put("result", outcome);
    o.put("severity", j.severity().label());
    o.put("category", c.category());
    o.put("source", SOURCE);
    o.put("scored", true);
    ObjectNode timestamp = o.putObject("timestamp");
    timestamp.put("seconds", scan.scannedAt().getEpochSecond());
    timestamp.put("nanos", scan.scannedAt().getNano());
    o.putArray("resources").add(reference(j.resource(), j.origin()));
    o.put("message", message);
    return o;
  }

  private static ObjectNode reference(ResourceRef r, Origin origin) {
    ObjectNode o = JsonNodes.object();
    o.put("apiVersion", r.apiVersion());
    o.put("kind", r.kind());
    if (!r.namespace().isEmpty()) {
      o.put("namespace", r.namespace());
    }
    o.put("name", r.name());
    if (!origin.isFile() && origin.resourceVersion() != null) {
      o.put("resourceVersion", origin.resourceVersion());
    }
    return o;
  }

  /** The evidence of a finding, as the string-to-string properties the CRD allows. */
  private static ObjectNode evidence(Finding f) {
    ObjectNode o = JsonNodes.object();
    o.put("path", f.path().toString());
    if (f.value() != null) {
      o.put("value", Values.text(f.value()));
    }
    o.put("findingId", f.id());
    o.put("controlVersion", Integer.toString(f.control().version()));
    if (f.origin().isFile()) {
      o.put("location", f.line() > 0 ? f.origin().file() + ":" + f.line() : f.origin().file());
    }
    return o;
  }

  private static void exception(ObjectNode properties, PolicyException e) {
    if (e.name() != null && !e.name().isEmpty()) {
      properties.put("exception", e.name());
    }
    properties.put("reason", e.reason());
    properties.put("owner", e.owner());
    properties.put("expires", String.valueOf(e.expires()));
  }
}
