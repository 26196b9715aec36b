package dev.plumbline.config;

import dev.plumbline.control.PolicyVersion;
import dev.plumbline.control.Severity;
import dev.plumbline.resource.FieldPath;
import dev.plumbline.resource.InputException;
import dev.plumbline.resource.YamlFile;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Plumbline's configuration file (see docs/configuration.md). Every setting has a command-line
 * flag that overrides it. Paths are relative to the file's directory.
 *
 * <pre>
 * pssVersion: v1.30          # Pod Security Standards policy version (default: latest)
 * failOn: high               # exit 1 when a finding is at least this severe (default: none)
 * frameworks: [cis]          # evaluate only these frameworks' controls (default: all controls)
 * controls: ./controls       # a directory of custom controls
 * exceptions: ./exceptions.yaml
 * severity:                  # severity overrides by control id
 *   image-latest-tag: low
 * </pre>
 *
 * @param pssVersion null when not set
 * @param failOn null when not set; "none" or a severity name
 * @param frameworks empty when not set
 * @param controls null when not set
 * @param exceptions null when not set
 * @param severities empty when not set
 */
public record Config(PolicyVersion pssVersion, String failOn, List<String> frameworks,
    Path controls, Path exceptions, Map<String, Severity> severities) {

  /** No settings. */
  public static final Config EMPTY = new Config(null, null, List.of(), null, null, Map.of());

  private static final Set<String> KEYS =
      Set.of("pssVersion", "failOn", "frameworks", "controls", "exceptions", "severity");

  /**
   * Reads a configuration file.
   *
   * @throws InputException naming the file, line and field of the first problem
   */
  public static Config load(Path file) {
    String name = file.toString();
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new InputException(name, 0, "cannot read configuration: " + e.getMessage());
    }
    List<YamlFile.Document> docs = YamlFile.parse(name, text);
    if (docs.isEmpty() || docs.get(0).root() == null) {
      return EMPTY;
    }
    YamlFile.Document doc = docs.get(0);
    if (!(doc.root() instanceof Map<?, ?> map)) {
      throw new InputException(name, doc.lineOf(FieldPath.ROOT), "must be a mapping");
    }
    for (Object key : map.keySet()) {
      if (!KEYS.contains(key)) {
        throw new InputException(name, doc.lineOf(FieldPath.of(key)), key
            + ": unknown setting (known: " + String.join(", ", new java.util.TreeSet<>(KEYS))
            + ")");
      }
    }
    Path base = file.toAbsolutePath().getParent();
    PolicyVersion version = null;
    if (map.get("pssVersion") != null) {
      try {
        version = PolicyVersion.parse(String.valueOf(map.get("pssVersion")));
      } catch (IllegalArgumentException e) {
        throw new InputException(name, doc.lineOf(FieldPath.of("pssVersion")),
            "pssVersion: " + e.getMessage());
      }
    }
    String failOn = null;
    if (map.get("failOn") != null) {
      failOn = String.valueOf(map.get("failOn"));
      if (!failOn.equals("none")) {
        try {
          Severity.parse(failOn);
        } catch (IllegalArgumentException e) {
          throw new InputException(name, doc.lineOf(FieldPath.of("failOn")),
              "failOn: " + e.getMessage() + " or none");
        }
      }
    }
    List<String> frameworks = new ArrayList<>();
    Object fw = map.get("frameworks");
    if (fw instanceof String s) {
      frameworks.add(s);
    } else if (fw instanceof List<?> list) {
      list.forEach(o -> frameworks.add(String.valueOf(o)));
    } else if (fw != null) {
      throw new InputException(name, doc.lineOf(FieldPath.of("frameworks")),
          "frameworks: must be a list of framework ids");
    }
    Map<String, Severity> severities = new LinkedHashMap<>();
    Object sev = map.get("severity");
    if (sev instanceof Map<?, ?> m) {
      for (Map.Entry<?, ?> e : m.entrySet()) {
        try {
          severities.put(String.valueOf(e.getKey()), Severity.parse(String.valueOf(e.getValue())));
        } catch (IllegalArgumentException ex) {
          throw new InputException(name, doc.lineOf(FieldPath.of("severity", e.getKey())),
              "severity." + e.getKey() + ": " + ex.getMessage());
        }
      }
    } else if (sev != null) {
      throw new InputException(name, doc.lineOf(FieldPath.of("severity")),
          "severity: must map control ids to severities");
    }
    return new Config(version, failOn, frameworks, path(base, map.get("controls")),
        path(base, map.get("exceptions")), severities);
  }

  private static Path path(Path base, Object value) {
    if (value == null) {
      return null;
    }
    Path p = Path.of(String.valueOf(value));
    return p.isAbsolute() || base == null ? p : base.resolve(p).normalize();
  }
}
