package dev.plumbline.output;

import dev.plumbline.control.Control;
import dev.plumbline.control.PatchOp;
import dev.plumbline.control.Remediation;
import dev.plumbline.control.Severity;
import dev.plumbline.exceptions.PolicyException;
import dev.plumbline.resource.InputError;
import dev.plumbline.resource.InputNote;
import dev.plumbline.resource.Origin;
import dev.plumbline.resource.ResourceRef;
import dev.plumbline.scan.Finding;
import dev.plumbline.scan.FrameworkScore;
import dev.plumbline.scan.ScanResult;
import dev.plumbline.scan.Suppressed;
import java.io.IOException;
import java.io.StringWriter;
import java.io.Writer;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.IntStream;
import tools.jackson.core.JsonGenerator;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The JSON output. Its schema is {@code docs/schema/scan-result.schema.json}, described field by
 * field in {@code docs/json-output.md}; a change to it is a change of {@link #SCHEMA_VERSION}.
 */
final class JsonWriter implements FormatWriter {
  /** The version of the schema; it grows only when a field changes meaning or disappears. */
  static final int SCHEMA_VERSION = 1;

  @Override
  public void write(ScanResult result, OutputContext context, Writer out) throws IOException {
    // Written as it is made, one finding at a time: the tree of a large scan's findings took
    // more memory than the scanned objects.
    JsonNodes.writeObject(out, g -> {
      g.writeName("findings");
      writeFindings(g, result.findings());
      g.writeName("errors");
      g.writeTree(JsonNodes.array(result.errors(), JsonWriter::error));
      g.writeName("suppressed");
      g.writeTree(JsonNodes.array(result.suppressed(), JsonWriter::suppressed));
      g.writeName("notes");
      g.writeTree(JsonNodes.array(result.notes(), JsonWriter::note));
      g.writeName("summary");
      g.writeTree(summary(result, context));
    });
  }

  static ObjectNode finding(Finding f) {
    Control c = f.control();
    ObjectNode o = JsonNodes.object();
    o.put("id", f.id());
    o.put("controlId", c.id());
    o.put("controlVersion", c.version());
    o.put("title", c.title());
    o.put("severity", f.severity().label());
    o.put("category", c.category());
    o.set("resource", resource(f.resource()));
    o.put("path", f.path().toString());
    o.set("value", JsonNodes.value(f.value()));
    o.put("message", f.message());
    o.set("location", location(f.origin(), f.line()));
    o.set("remediation", remediation(c.remediation(), f));
    return o;
  }

  /**
   * Writes the array of findings. The text of each is made on all cores, a slice at a time, and
   * written in order: a large scan's output is mostly findings, and one core took seconds.
   */
  static void writeFindings(JsonGenerator g, List<Finding> findings) {
    g.writeStartArray();
    for (int from = 0; from < findings.size(); from += SLICE) {
      String[] texts = IntStream.range(from, Math.min(findings.size(), from + SLICE)).parallel()
          .mapToObj(i -> findingText(findings.get(i))).toArray(String[]::new);
      for (String text : texts) {
        g.writeRawValue(text);
      }
    }
    g.writeEndArray();
  }

  private static final int SLICE = 4096;

  /**
   * A finding's text at its place in the output: written alone, then its inner lines moved in
   * by the two levels of indentation it sits under (a JSON string holds no line break).
   */
  private static String findingText(Finding f) {
    StringWriter text = new StringWriter(1024);
    try (JsonGenerator g = JsonNodes.generator(text)) {
      writeFinding(g, f);
    }
    return text.toString().replace("\n", "\n    ");
  }

  /**
   * Writes what {@link #finding} makes, field for field, without making it (a large scan's
   * output is mostly findings); {@code JsonOutputTest} holds the two to the same text.
   */
  static void writeFinding(JsonGenerator g, Finding f) {
    Control c = f.control();
    g.writeStartObject();
    g.writeName("id");
    g.writeString(f.id());
    g.writeName("controlId");
    g.writeString(c.id());
    g.writeName("controlVersion");
    g.writeNumber(c.version());
    g.writeName("title");
    g.writeString(c.title());
    g.writeName("severity");
    g.writeString(f.severity().label());
    g.writeName("category");
    g.writeString(c.category());
    g.writeName("resource");
    g.writeTree(resource(f.resource()));
    g.writeName("path");
    g.writeString(f.path().toString());
    g.writeName("value");
    g.writeTree(JsonNodes.value(f.value()));
    g.writeName("message");
    g.writeString(f.message());
    g.writeName("location");
    g.writeTree(location(f.origin(), f.line()));
    g.writeName("remediation");
    g.writeTree(remediation(c.remediation(), f));
    g.writeEndObject();
  }

  static ObjectNode resource(ResourceRef r) {
    ObjectNode o = JsonNodes.object();
    o.put("apiVersion", r.apiVersion());
    o.put("kind", r.kind());
    o.put("namespace", r.namespace());
    o.put("name", r.name());
    return o;
  }

  private static ObjectNode location(Origin origin, int line) {
    ObjectNode o = JsonNodes.object();
    if (origin.isFile()) {
      o.put("file", origin.file());
      o.set("line", JsonNodes.line(line));
    } else {
      o.set("resourceVersion", JsonNodes.text(origin.resourceVersion()));
    }
    return o;
  }

  private static ObjectNode remediation(Remediation r, Finding f) {
    ObjectNode o = JsonNodes.object();
    o.put("text", r.text());
    if (f.patchable()) {
      ObjectNode patch = o.putObject("patch");
      patch.put("target", f.targetPath().toPointer());
      ArrayNode ops = patch.putArray("ops");
      for (PatchOp op : r.patch()) {
        ObjectNode p = ops.addObject();
        p.put("op", op.op());
        p.put("path", op.path().toPointer());
        if (!op.op().equals("remove")) {
          p.set("value", JsonNodes.value(op.value()));
        }
      }
    } else {
      o.putNull("patch");
    }
    o.put("safe", r.safe());
    return o;
  }

  private static ObjectNode error(InputError e) {
    ObjectNode o = JsonNodes.object();
    o.put("file", e.file());
    o.set("line", JsonNodes.line(e.line()));
    o.put("message", e.message());
    return o;
  }

  private static ObjectNode note(InputNote n) {
    ObjectNode o = JsonNodes.object();
    o.put("file", n.file());
    o.set("line", JsonNodes.line(n.line()));
    o.put("message", n.message());
    return o;
  }

  private static ObjectNode suppressed(Suppressed s) {
    ObjectNode o = JsonNodes.object();
    o.set("finding", finding(s.finding()));
    o.set("exception", exception(s.exception()));
    return o;
  }

  private static ObjectNode exception(PolicyException e) {
    ObjectNode o = JsonNodes.object();
    o.set("name", JsonNodes.text(e.name() == null || e.name().isEmpty() ? null : e.name()));
    o.set("reason", JsonNodes.text(e.reason()));
    o.set("owner", JsonNodes.text(e.owner()));
    o.set("expires", JsonNodes.text(e.expires() == null ? null : e.expires().toString()));
    o.set("file", JsonNodes.text(e.file()));
    o.set("line", JsonNodes.line(e.line()));
    return o;
  }

  private static ObjectNode summary(ScanResult result, OutputContext context) {
    ObjectNode o = JsonNodes.object();
    o.put("schemaVersion", SCHEMA_VERSION);
    ObjectNode tool = o.putObject("tool");
    tool.put("name", "Plumbline");
    tool.put("version", context.toolVersion());
    o.set("inputs", JsonNodes.strings(context.inputs()));
    o.put("scannedAt", result.scannedAt().toString());
    o.put("pssVersion", result.pssVersion().toString());
    o.put("filesRead", result.files());
    o.put("resourcesJudged", result.judged().size());
    o.put("findings", result.findings().size());
    ObjectNode bySeverity = o.putObject("bySeverity");
    for (Map.Entry<Severity, Integer> e : result.countsBySeverity().entrySet()) {
      bySeverity.put(e.getKey().label(), e.getValue());
    }
    o.put("suppressed", result.suppressed().size());
    o.put("errors", result.errors().size());
    o.set("postureScore", JsonNodes.score(result.postureScore()));
    ArrayNode frameworks = o.putArray("frameworks");
    result.frameworks().forEach(f -> frameworks.add(framework(f)));
    ObjectNode notScanned = o.putObject("notScanned");
    new TreeMap<>(result.notScanned()).forEach(notScanned::put);
    ObjectNode throughController = o.putObject("judgedThroughController");
    new TreeMap<>(result.throughController()).forEach(throughController::put);
    ArrayNode expired = o.putArray("expiredExceptions");
    result.expiredExceptions().forEach(e -> expired.add(exception(e)));
    return o;
  }

  private static ObjectNode framework(FrameworkScore f) {
    ObjectNode o = JsonNodes.object();
    o.put("id", f.framework().id());
    o.put("title", f.framework().title());
    o.put("version", f.framework().version());
    o.set("score", JsonNodes.score(f.score()));
    ObjectNode counts = o.putObject("counts");
    for (FrameworkScore.Status s : FrameworkScore.Status.values()) {
      counts.put(countName(s), f.count(s));
    }
    ArrayNode requirements = o.putArray("requirements");
    for (FrameworkScore.RequirementResult r : f.requirements()) {
      ObjectNode ro = requirements.addObject();
      ro.put("id", r.requirement().id());
      ro.put("title", r.requirement().title());
      ro.put("status", statusLabel(r.status()));
      ro.set("score", JsonNodes.score(r.score()));
      ro.set("controls", JsonNodes.strings(r.controls().stream()
          .map(c -> c.control().id()).toList()));
    }
    return o;
  }

  /** {@code pass}, {@code fail}, {@code not-applicable}, {@code manual}. */
  static String statusLabel(FrameworkScore.Status s) {
    return s.name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  private static String countName(FrameworkScore.Status s) {
    return switch (s) {
      case PASS -> "pass";
      case FAIL -> "fail";
      case NOT_APPLICABLE -> "notApplicable";
      case MANUAL -> "manual";
    };
  }
}
