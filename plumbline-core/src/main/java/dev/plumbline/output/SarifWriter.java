package dev.plumbline.output;

import dev.plumbline.control.Control;
import dev.plumbline.control.Severity;
import dev.plumbline.exceptions.PolicyException;
import dev.plumbline.resource.Origin;
import dev.plumbline.scan.ControlResult;
import dev.plumbline.scan.Finding;
import dev.plumbline.scan.ScanResult;
import dev.plumbline.scan.Suppressed;
import java.io.IOException;
import java.io.Writer;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * SARIF 2.1.0 (OASIS, errata01), shaped for code scanning: one run, a rule for every selected
 * control, one result per finding (suppressed findings carry a suppression), input problems as
 * tool execution notifications. No GUIDs are written.
 */
final class SarifWriter implements FormatWriter {
  static final String SCHEMA =
      "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";
  static final String INFORMATION_URI = "https://plumbline.dev";
  /** The partial fingerprint that carries a finding's stable id. */
  static final String FINGERPRINT = "plumblineFindingId/v1";

  /** A control as a rule, with its effective severity. */
  private record Rule(Control control, Severity severity) {}

  @Override
  public void write(ScanResult result, OutputContext context, Writer out) throws IOException {
    List<Rule> rules = rules(result);
    Map<String, Integer> ruleIndex = new HashMap<>();
    for (int i = 0; i < rules.size(); i++) {
      ruleIndex.put(rules.get(i).control().id(), i);
    }

    ObjectNode root = JsonNodes.object();
    root.put("$schema", SCHEMA);
    root.put("version", "2.1.0");
    ObjectNode run = root.putArray("runs").addObject();
    ObjectNode driver = run.putObject("tool").putObject("driver");
    driver.put("name", "Plumbline");
    driver.put("version", context.toolVersion());
    driver.put("informationUri", INFORMATION_URI);
    ArrayNode ruleNodes = driver.putArray("rules");
    rules.forEach(r -> ruleNodes.add(rule(r)));

    run.putArray("invocations").add(invocation(result, context));

    ArrayNode results = run.putArray("results");
    for (Finding f : result.findings()) {
      results.add(result(f, ruleIndex));
    }
    for (Suppressed s : result.suppressed()) {
      ObjectNode r = result(s.finding(), ruleIndex);
      r.putArray("suppressions").add(suppression(s.exception()));
      results.add(r);
    }
    JsonNodes.write(root, out);
  }

  /** The selected controls, then any control a finding names that the result does not list. */
  private static List<Rule> rules(ScanResult result) {
    List<Rule> rules = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    for (ControlResult c : result.controls()) {
      if (seen.add(c.control().id())) {
        rules.add(new Rule(c.control(), c.severity()));
      }
    }
    List<Finding> all = new ArrayList<>(result.findings());
    result.suppressed().forEach(s -> all.add(s.finding()));
    for (Finding f : all) {
      if (seen.add(f.controlId())) {
        rules.add(new Rule(f.control(), f.severity()));
      }
    }
    return rules;
  }

  private static ObjectNode rule(Rule rule) {
    Control c = rule.control();
    ObjectNode o = JsonNodes.object();
    o.put("id", c.id());
    if (!c.aliases().isEmpty()) {
      o.set("deprecatedIds", JsonNodes.strings(c.aliases()));
    }
    o.put("name", pascalCase(c.id()));
    o.putObject("shortDescription").put("text", c.title());
    o.putObject("fullDescription").put("text", c.description());
    List<String> references = c.references().stream().filter(SarifWriter::isWebUri).toList();
    if (!references.isEmpty()) {
      o.put("helpUri", references.get(0));
    }
    ObjectNode help = o.putObject("help");
    help.put("text", c.remediation().text());
    StringBuilder markdown = new StringBuilder(c.remediation().text());
    if (!references.isEmpty()) {
      markdown.append("\n\nReferences:\n");
      references.forEach(ref -> markdown.append("\n- <").append(ref).append('>'));
    }
    help.put("markdown", markdown.toString());
    o.putObject("defaultConfiguration").put("level", level(rule.severity()));
    ObjectNode properties = o.putObject("properties");
    Set<String> tags = new LinkedHashSet<>();
    tags.add("security");
    tags.add(c.category());
    tags.addAll(new TreeSet<>(c.frameworks().keySet()));
    properties.set("tags", JsonNodes.strings(List.copyOf(tags)));
    properties.put("security-severity", securitySeverity(rule.severity()));
    return o;
  }

  private static ObjectNode invocation(ScanResult result, OutputContext context) {
    ObjectNode o = JsonNodes.object();
    if (!context.commandLine().isEmpty()) {
      o.put("commandLine", commandLine(context.commandLine()));
      o.set("arguments", JsonNodes.strings(context.commandLine()));
    }
    o.put("startTimeUtc", result.scannedAt().toString());
    o.put("executionSuccessful", result.errors().isEmpty());
    ArrayNode notifications = o.putArray("toolExecutionNotifications");
    result.errors().forEach(e -> notifications.add(
        notification("error", e.message(), e.file(), e.line())));
    result.notes().forEach(n -> notifications.add(
        notification("note", n.message(), n.file(), n.line())));
    for (PolicyException e : result.expiredExceptions()) {
      notifications.add(notification("warning", "exception " + exceptionName(e) + " ("
          + e.owner() + ") expired on " + e.expires() + " and no longer applies",
          e.file(), e.line()));
    }
    return o;
  }

  private static ObjectNode notification(String level, String message, String file, int line) {
    ObjectNode o = JsonNodes.object();
    o.put("level", level);
    o.putObject("message").put("text", message);
    if (file != null && !file.isEmpty()) {
      o.putArray("locations").addObject().set("physicalLocation", physical(file, line));
    }
    return o;
  }

  private static ObjectNode result(Finding f, Map<String, Integer> ruleIndex) {
    ObjectNode o = JsonNodes.object();
    o.put("ruleId", f.controlId());
    o.put("ruleIndex", ruleIndex.get(f.controlId()));
    o.put("level", level(f.severity()));
    o.putObject("message").put("text", f.message());
    ObjectNode location = o.putArray("locations").addObject();
    Origin origin = f.origin();
    if (origin.isFile()) {
      location.set("physicalLocation", physical(origin.file(), f.line()));
    }
    ObjectNode logical = location.putArray("logicalLocations").addObject();
    logical.put("name", f.resource().name());
    logical.put("fullyQualifiedName", f.resource().display());
    logical.put("kind", "resource");
    o.putObject("partialFingerprints").put(FINGERPRINT, f.id());
    ObjectNode properties = o.putObject("properties");
    properties.put("severity", f.severity().label());
    properties.set("resource", JsonWriter.resource(f.resource()));
    if (!origin.isFile() && origin.resourceVersion() != null) {
      properties.put("resourceVersion", origin.resourceVersion());
    }
    properties.put("path", f.path().toString());
    properties.set("value", JsonNodes.value(f.value()));
    return o;
  }

  private static ObjectNode suppression(PolicyException e) {
    ObjectNode o = JsonNodes.object();
    o.put("kind", "external");
    o.put("status", "accepted");
    if (e.reason() != null) {
      o.put("justification", e.reason());
    }
    if (e.file() != null && !e.file().isEmpty()) {
      o.putObject("location").set("physicalLocation", physical(e.file(), e.line()));
    }
    ObjectNode properties = o.putObject("properties");
    if (e.name() != null && !e.name().isEmpty()) {
      properties.put("name", e.name());
    }
    properties.put("owner", String.valueOf(e.owner()));
    properties.put("expires", String.valueOf(e.expires()));
    return o;
  }

  private static ObjectNode physical(String file, int line) {
    ObjectNode o = JsonNodes.object();
    o.putObject("artifactLocation").put("uri", uri(file));
    if (line > 0) {
      o.putObject("region").put("startLine", line);
    }
    return o;
  }

  static String level(Severity s) {
    return switch (s) {
      case CRITICAL, HIGH -> "error";
      case MEDIUM -> "warning";
      case LOW -> "note";
    };
  }

  /** The {@code security-severity} GitHub code scanning ranks alerts by (a number, as text). */
  static String securitySeverity(Severity s) {
    return switch (s) {
      case CRITICAL -> "9.5";
      case HIGH -> "8.0";
      case MEDIUM -> "5.5";
      case LOW -> "3.0";
    };
  }

  /**
   * A file as the user named it, as a URI reference: backslashes become slashes, and every byte
   * that a URI path cannot hold as is (spaces, {@code %}, {@code #}, {@code ?}, {@code :},
   * non-ASCII) is percent-encoded. {@code manifests/app.yaml} stays as it is.
   */
  static String uri(String file) {
    StringBuilder sb = new StringBuilder();
    for (byte b : file.replace('\\', '/').getBytes(StandardCharsets.UTF_8)) {
      int c = b & 0xff;
      if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
          || "-._~!$&'()*+,;=@/".indexOf(c) >= 0) {
        sb.append((char) c);
      } else {
        sb.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
            .append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
      }
    }
    return sb.toString();
  }

  /** {@code privileged-containers} to {@code PrivilegedContainers}. */
  static String pascalCase(String id) {
    StringBuilder sb = new StringBuilder();
    for (String part : id.split("-")) {
      if (!part.isEmpty()) {
        sb.append(Character.toUpperCase(part.charAt(0))).append(part.substring(1));
      }
    }
    return sb.toString();
  }

  /** The arguments joined as a POSIX shell would read them back. */
  static String commandLine(List<String> args) {
    StringBuilder sb = new StringBuilder();
    for (String a : args) {
      if (sb.length() > 0) {
        sb.append(' ');
      }
      if (!a.isEmpty() && a.matches("[A-Za-z0-9_./:=@%+,-]+")) {
        sb.append(a);
      } else {
        sb.append('\'').append(a.replace("'", "'\\''")).append('\'');
      }
    }
    return sb.toString();
  }

  private static String exceptionName(PolicyException e) {
    return e.name() == null || e.name().isEmpty() ? "at " + e.file() + ":" + e.line()
        : "'" + e.name() + "'";
  }

  private static boolean isWebUri(String text) {
    try {
      URI u = new URI(text);
      return u.isAbsolute() && ("https".equals(u.getScheme()) || "http".equals(u.getScheme()))
          && u.getHost() != null;
    } catch (URISyntaxException e) {
      return false;
    }
  }
}
