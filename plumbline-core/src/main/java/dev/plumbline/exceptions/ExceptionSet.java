package dev.plumbline.exceptions;

import dev.plumbline.resource.FieldPath;
import dev.plumbline.resource.InputException;
import dev.plumbline.resource.ResourceRef;
import dev.plumbline.resource.YamlFile;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * The exceptions of a scan, read from a YAML file:
 *
 * <pre>
 * apiVersion: plumbline.dev/v1     # optional; a scan of the folder then skips the file
 * kind: ExceptionList
 * exceptions:
 *   - controls: [privileged-containers]
 *     namespaces: [monitoring]
 *     kinds: [DaemonSet]
 *     names: [node-exporter*]
 *     labels: {app: node-exporter}
 *     reason: needs the host's network namespace to read node metrics
 *     owner: platform-team@example.com
 *     expires: 2027-03-31
 * </pre>
 */
public final class ExceptionSet {
  /** No exceptions. */
  public static final ExceptionSet NONE = new ExceptionSet(List.of());

  private static final Set<String> TOP = Set.of("apiVersion", "kind", "exceptions");
  private static final Set<String> FIELDS = Set.of("name", "controls", "namespaces", "kinds",
      "names", "labels", "reason", "owner", "expires");

  private final List<PolicyException> exceptions;

  public ExceptionSet(List<PolicyException> exceptions) {
    this.exceptions = List.copyOf(exceptions);
  }

  public List<PolicyException> all() {
    return exceptions;
  }

  /** The exceptions that have expired on {@code today}. */
  public List<PolicyException> expired(LocalDate today) {
    return exceptions.stream().filter(e -> e.expiredOn(today)).toList();
  }

  /** The first active exception covering a control on a resource, or null. */
  public PolicyException match(String controlId, List<String> aliases, ResourceRef resource,
      Map<?, ?> labels, LocalDate today) {
    for (PolicyException e : exceptions) {
      if (!e.expiredOn(today) && e.covers(controlId, aliases, resource, labels)) {
        return e;
      }
    }
    return null;
  }

  /**
   * Reads an exceptions file.
   *
   * @param knownControl tells whether a control id exists; an unknown id is an error
   * @throws InputException naming the file, line and field of the first problem
   */
  public static ExceptionSet load(Path file, Predicate<String> knownControl) {
    String name = file.toString();
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new InputException(name, 0, "cannot read exceptions file: " + e.getMessage());
    }
    return parse(name, text, knownControl);
  }

  /** Reads exceptions from text; {@code name} stands for the file in messages. */
  public static ExceptionSet parse(String name, String text, Predicate<String> knownControl) {
    List<YamlFile.Document> documents = YamlFile.parse(name, text);
    List<PolicyException> result = new ArrayList<>();
    for (YamlFile.Document doc : documents) {
      if (doc.root() == null) {
        continue;
      }
      if (!(doc.root() instanceof Map<?, ?> top)) {
        throw new InputException(name, doc.lineOf(FieldPath.ROOT),
            "must be a mapping with an 'exceptions' list");
      }
      for (Object key : top.keySet()) {
        if (!TOP.contains(key)) {
          throw new InputException(name, doc.lineOf(FieldPath.of(key)),
              key + ": unknown field (known: exceptions)");
        }
      }
      Object list = top.get("exceptions");
      if (list == null) {
        continue;
      }
      if (!(list instanceof List<?> items)) {
        throw new InputException(name, doc.lineOf(FieldPath.of("exceptions")),
            "exceptions: must be a list");
      }
      for (int i = 0; i < items.size(); i++) {
        result.add(one(name, doc, FieldPath.of("exceptions", i), items.get(i), knownControl));
      }
    }
    return new ExceptionSet(result);
  }

  private static PolicyException one(String file, YamlFile.Document doc, FieldPath at,
      Object value, Predicate<String> knownControl) {
    if (!(value instanceof Map<?, ?> m)) {
      throw new InputException(file, doc.lineOf(at), at + ": must be a mapping");
    }
    for (Object key : m.keySet()) {
      if (!FIELDS.contains(key)) {
        throw new InputException(file, doc.lineOf(at.key(String.valueOf(key))),
            at.key(String.valueOf(key)) + ": unknown field (known: controls, expires, kinds, "
                + "labels, name, names, namespaces, owner, reason)");
      }
    }
    List<String> controls = strings(file, doc, at, m, "controls");
    if (controls.isEmpty()) {
      throw new InputException(file, doc.lineOf(at), at + ".controls: required (a list of "
          + "control ids, or [\"*\"])");
    }
    for (int i = 0; i < controls.size(); i++) {
      String id = controls.get(i);
      if (!id.equals("*") && !knownControl.test(id)) {
        throw new InputException(file, doc.lineOf(at.key("controls").index(i)),
            at.key("controls").index(i) + ": unknown control '" + id + "'");
      }
    }
    Map<String, String> labels = new LinkedHashMap<>();
    if (m.get("labels") != null) {
      if (!(m.get("labels") instanceof Map<?, ?> l)) {
        throw new InputException(file, doc.lineOf(at.key("labels")),
            at.key("labels") + ": must be a mapping of label to value");
      }
      l.forEach((k, v) -> labels.put(String.valueOf(k), String.valueOf(v)));
    }
    String reason = text(file, doc, at, m, "reason");
    String owner = text(file, doc, at, m, "owner");
    String expiresText = text(file, doc, at, m, "expires");
    LocalDate expires;
    try {
      expires = LocalDate.parse(expiresText.length() > 10 && expiresText.charAt(10) == 'T'
          ? expiresText.substring(0, 10) : expiresText);
    } catch (DateTimeParseException e) {
      throw new InputException(file, doc.lineOf(at.key("expires")),
          at.key("expires") + ": '" + expiresText + "' is not a date (YYYY-MM-DD)");
    }
    String name = m.get("name") == null ? "" : String.valueOf(m.get("name"));
    return new PolicyException(name, controls, strings(file, doc, at, m, "namespaces"),
        strings(file, doc, at, m, "kinds"), strings(file, doc, at, m, "names"), labels, reason,
        owner, expires, file, doc.lineOf(at));
  }

  private static String text(String file, YamlFile.Document doc, FieldPath at, Map<?, ?> m,
      String key) {
    Object v = m.get(key);
    if (v == null || String.valueOf(v).isBlank()) {
      throw new InputException(file, doc.lineOf(at), at.key(key) + ": required");
    }
    if (v instanceof Map || v instanceof List) {
      throw new InputException(file, doc.lineOf(at.key(key)), at.key(key) + ": must be text");
    }
    return String.valueOf(v).strip();
  }

  private static List<String> strings(String file, YamlFile.Document doc, FieldPath at,
      Map<?, ?> m, String key) {
    Object v = m.get(key);
    if (v == null) {
      return List.of();
    }
    if (v instanceof String s) {
      return List.of(s);
    }
    if (!(v instanceof List<?> list)) {
      throw new InputException(file, doc.lineOf(at.key(key)), at.key(key) + ": must be a list");
    }
    List<String> result = new ArrayList<>();
    for (Object o : list) {
      if (o instanceof Map || o instanceof List || o == null) {
        throw new InputException(file, doc.lineOf(at.key(key)),
            at.key(key) + ": must be a list of strings");
      }
      result.add(String.valueOf(o));
    }
    return result;
  }
}
