package dev.plumbline.control;

import dev.plumbline.resource.FieldPath;
import dev.plumbline.resource.InputException;
import dev.plumbline.resource.Workload;
import dev.plumbline.resource.YamlFile;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/** Reads control folders and framework files. */
final class LibraryLoader {
  static final Pattern ID = Pattern.compile("[a-z0-9]+(-[a-z0-9]+)*");
  static final Set<String> CATEGORIES = Set.of("pod-security", "workload", "supply-chain", "rbac",
      "network", "namespace", "secrets", "control-plane", "node");
  private static final Set<String> CONTROL_FIELDS = Set.of("id", "aliases", "version", "title",
      "description", "severity", "category", "target", "kinds", "pss", "when", "check",
      "violations",
      "path", "message", "variants", "remediation", "references", "frameworks", "inventory",
      "overrides");
  private static final Set<String> VARIANT_FIELDS =
      Set.of("since", "check", "violations", "path", "message");
  private static final Set<String> FRAMEWORK_FIELDS =
      Set.of("id", "title", "version", "description", "url", "requirements");
  private static final Set<String> REQUIREMENT_FIELDS =
      Set.of("id", "title", "section", "manual", "procedure");

  private LibraryLoader() {}

  /** The folders holding a control.yaml under {@code root} (or {@code root} itself). */
  static List<Path> controlFolders(Path root) throws IOException {
    if (Files.isRegularFile(root.resolve("control.yaml"))) {
      return List.of(root);
    }
    Path base = Files.isDirectory(root.resolve("controls")) ? root.resolve("controls") : root;
    try (Stream<Path> walk = Files.walk(base)) {
      return walk.filter(p -> p.getFileName() != null
              && p.getFileName().toString().equals("control.yaml"))
          .map(Path::getParent)
          .sorted((a, b) -> a.toString().compareTo(b.toString()))
          .toList();
    }
  }

  static List<Path> frameworkFiles(Path root) throws IOException {
    Path dir = root.resolve("frameworks");
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> list = Files.list(dir)) {
      return list.filter(p -> p.getFileName().toString().endsWith(".yaml"))
          .sorted((a, b) -> a.toString().compareTo(b.toString()))
          .toList();
    }
  }

  static Control loadControl(Path folder, String display) {
    Path file = folder.resolve("control.yaml");
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new Fields.Problem(display + "/control.yaml: cannot read: " + e.getMessage());
    }
    String folderName = folder.getFileName() == null ? null : folder.getFileName().toString();
    return loadControl(text, folderName, display, () -> folder, folder.toString());
  }

  /**
   * Loads a control from the text of its control.yaml.
   *
   * @param folderName the name of its folder (the id must be it), or null when it has none
   * @param folder the folder, resolved when someone asks for it (fixtures, docs)
   * @param source the folder as messages name it
   */
  static Control loadControl(String text, String folderName, String display,
      java.util.function.Supplier<Path> folder, String source) {
    String name = display + "/control.yaml";
    List<YamlFile.Document> documents;
    try {
      documents = YamlFile.parse(name, text);
    } catch (InputException e) {
      throw new Fields.Problem(e.getMessage());
    }
    if (documents.size() != 1) {
      throw new Fields.Problem(name + ": must hold exactly one YAML document");
    }
    Fields f = Fields.root(name, documents.get(0));
    f.allowOnly(CONTROL_FIELDS);

    String id = f.string("id");
    if (!ID.matcher(id).matches()) {
      throw f.problem("id", "must be kebab-case (lower-case words joined by '-'): '" + id + "'");
    }
    if (folderName != null && !folderName.equals(id)) {
      throw f.problem("id", "'" + id + "' differs from its folder name '" + folderName + "'");
    }
    List<String> aliases = f.strings("aliases");
    for (String alias : aliases) {
      if (!ID.matcher(alias).matches()) {
        throw f.problem("aliases", "'" + alias + "' is not kebab-case");
      }
    }
    int version = f.integer("version", 1);
    if (version < 1) {
      throw f.problem("version", "must be 1 or more");
    }
    String title = f.string("title");
    String description = f.string("description").strip();
    Severity severity;
    try {
      severity = Severity.parse(f.string("severity"));
    } catch (IllegalArgumentException e) {
      throw f.problem("severity", e.getMessage());
    }
    String category = f.string("category");
    if (!CATEGORIES.contains(category)) {
      throw f.problem("category", "unknown category '" + category + "' (known: "
          + String.join(", ", new java.util.TreeSet<>(CATEGORIES)) + ")");
    }
    Target target;
    try {
      target = Target.parse(f.string("target"));
    } catch (IllegalArgumentException e) {
      throw f.problem("target", e.getMessage());
    }
    Set<String> kinds = new LinkedHashSet<>(f.strings("kinds"));
    if (target == Target.RESOURCE && kinds.isEmpty()) {
      throw f.problem("kinds", "a resource target must list the kinds it applies to");
    }
    if (target != Target.RESOURCE) {
      for (String kind : kinds) {
        if (!Workload.kinds().contains(kind)) {
          throw f.problem("kinds", "'" + kind + "' holds no pod template; a " + target.label()
              + " target applies to " + String.join(", ", new java.util.TreeSet<>(Workload.kinds())));
        }
      }
    }
    Control.Pss pss = null;
    if (f.has("pss")) {
      Fields p = f.fields("pss");
      p.allowOnly(Set.of("level", "check"));
      String level = p.string("level");
      if (!level.equals("baseline") && !level.equals("restricted")) {
        throw p.problem("level", "must be baseline or restricted");
      }
      pss = new Control.Pss(level, p.string("check"));
    }

    Guard when = null;
    if (f.has("when")) {
      try {
        when = new Guard(target, f.string("when").strip());
      } catch (IllegalArgumentException e) {
        throw f.problem("when", "does not compile: " + e.getMessage());
      }
    }
    List<Check> checks = new ArrayList<>();
    String defaultMessage = f.string("message", null);
    if (f.has("variants")) {
      if (f.has("check") || f.has("violations")) {
        throw f.problem("variants", "use either variants or a top-level check/violations");
      }
      PolicyVersion previous = null;
      for (Fields v : f.list("variants")) {
        v.allowOnly(VARIANT_FIELDS);
        PolicyVersion since;
        try {
          since = PolicyVersion.parse(v.string("since"));
        } catch (IllegalArgumentException e) {
          throw v.problem("since", e.getMessage());
        }
        if (previous != null && since.compareTo(previous) <= 0) {
          throw v.problem("since", "variants must be in increasing version order");
        }
        previous = since;
        checks.add(check(v, since, target, v.string("message", defaultMessage)));
      }
      if (checks.isEmpty()) {
        throw f.problem("variants", "must list at least one variant");
      }
    } else {
      checks.add(check(f, PolicyVersion.FIRST, target, defaultMessage));
    }

    Remediation remediation = remediation(f, target);
    List<String> references = f.strings("references");
    Map<String, List<String>> frameworks = f.stringLists("frameworks");
    Set<String> inventory = new LinkedHashSet<>(f.strings("inventory"));
    List<String> overrides = f.strings("overrides");
    return new Control(id, aliases, version, title, description, severity, category, target, kinds,
        pss, when, checks, remediation, references, frameworks, inventory, overrides, folder,
        source);
  }

  private static Check check(Fields f, PolicyVersion since, Target target, String message) {
    boolean hasCheck = f.has("check");
    boolean hasViolations = f.has("violations");
    if (hasCheck == hasViolations) {
      throw f.problemAt(f.path("check").parent(),
          "needs exactly one of 'check' (a bool, true when compliant) or 'violations' (a list)");
    }
    if (message == null) {
      throw f.problem("message", "required");
    }
    MessageTemplate template;
    try {
      template = MessageTemplate.parse(message, target);
    } catch (IllegalArgumentException e) {
      throw f.problem("message", e.getMessage());
    }
    ControlPaths.Rooted path = null;
    if (hasCheck) {
      try {
        path = ControlPaths.parse(f.string("path"), target);
      } catch (IllegalArgumentException e) {
        throw f.problem("path", e.getMessage());
      }
    } else if (f.has("path")) {
      throw f.problem("path", "not used with 'violations': each violation names its own path");
    }
    String key = hasCheck ? "check" : "violations";
    String expression = f.string(key).strip();
    try {
      return new Check(since, expression, hasViolations, path, template, target);
    } catch (IllegalArgumentException e) {
      throw f.problem(key, "does not compile: " + e.getMessage());
    }
  }

  private static Remediation remediation(Fields f, Target target) {
    Fields r = f.fields("remediation");
    r.allowOnly(Set.of("text", "patch", "safe", "skipWhen"));
    String text = r.string("text").strip();
    List<PatchOp> ops = new ArrayList<>();
    for (Fields op : r.list("patch")) {
      op.allowOnly(Set.of("op", "path", "value"));
      String kind = op.string("op");
      if (kind.equals("flag")) {
        ops.add(flagOp(op, target));
        continue;
      }
      if (!Set.of("add", "replace", "remove").contains(kind)) {
        throw op.problem("op", "must be add, replace, remove or flag");
      }
      String pointer = op.string("path");
      FieldPath path;
      try {
        path = fromPointer(pointer);
      } catch (IllegalArgumentException e) {
        throw op.problem("path", e.getMessage());
      }
      if (!kind.equals("remove") && !op.keys().contains("value")) {
        throw op.problem("value", "required for " + kind);
      }
      ops.add(new PatchOp(kind, path, op.raw("value")));
    }
    boolean safe = r.bool("safe", false);
    if (safe && ops.isEmpty()) {
      throw r.problem("safe", "only a patch can be safe");
    }
    Guard skipWhen = null;
    if (r.has("skipWhen")) {
      if (ops.isEmpty()) {
        throw r.problem("skipWhen", "only a patch can be skipped");
      }
      try {
        skipWhen = new Guard(target, r.string("skipWhen").strip());
      } catch (IllegalArgumentException e) {
        throw r.problem("skipWhen", "does not compile: " + e.getMessage());
      }
    }
    return new Remediation(text, ops, safe, skipWhen);
  }

  /** {@code op: flag, value: --name=value}: sets a flag of the component a container runs. */
  private static PatchOp flagOp(Fields op, Target target) {
    if (target != Target.CONTAINER) {
      throw op.problem("op", "flag sets a command-line flag of a container: the control's "
          + "target must be container");
    }
    if (op.keys().contains("path")) {
      throw op.problem("path", "not used with flag: the flag is found in the container's "
          + "command, args or (etcd) environment");
    }
    if (!(op.raw("value") instanceof String value)
        || !value.matches("--[A-Za-z0-9][A-Za-z0-9-]*=.*")) {
      throw op.problem("value", "flag needs the argument to write, '--name=value'");
    }
    return new PatchOp("flag", FieldPath.ROOT, value);
  }

  /** Parses a JSON Pointer relative to the target: {@code /securityContext/privileged}. */
  static FieldPath fromPointer(String pointer) {
    if (!pointer.startsWith("/")) {
      throw new IllegalArgumentException("must be a JSON Pointer relative to the target, "
          + "starting with '/': '" + pointer + "'");
    }
    List<Object> segments = new ArrayList<>();
    for (String raw : pointer.substring(1).split("/", -1)) {
      String s = raw.replace("~1", "/").replace("~0", "~");
      if (s.isEmpty()) {
        throw new IllegalArgumentException("empty segment in '" + pointer + "'");
      }
      segments.add(s.chars().allMatch(Character::isDigit) ? (Object) Integer.parseInt(s) : s);
    }
    return FieldPath.of(segments.toArray());
  }

  static Framework loadFramework(Path file, String display) {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new Fields.Problem(display + ": cannot read: " + e.getMessage());
    }
    return loadFramework(text, display);
  }

  static Framework loadFramework(String text, String display) {
    List<YamlFile.Document> documents;
    try {
      documents = YamlFile.parse(display, text);
    } catch (InputException e) {
      throw new Fields.Problem(e.getMessage());
    }
    if (documents.size() != 1) {
      throw new Fields.Problem(display + ": must hold exactly one YAML document");
    }
    Fields f = Fields.root(display, documents.get(0));
    f.allowOnly(FRAMEWORK_FIELDS);
    String id = f.string("id");
    if (!ID.matcher(id).matches()) {
      throw f.problem("id", "must be kebab-case: '" + id + "'");
    }
    String fileName = display.substring(display.lastIndexOf('/') + 1);
    if (!fileName.equals(id + ".yaml")) {
      throw f.problem("id", "'" + id + "' differs from its file name '" + fileName + "'");
    }
    List<Framework.Requirement> requirements = new ArrayList<>();
    Set<String> seen = new java.util.HashSet<>();
    for (Fields r : f.list("requirements")) {
      r.allowOnly(REQUIREMENT_FIELDS);
      String rid = r.string("id");
      if (!seen.add(rid)) {
        throw r.problem("id", "duplicate requirement id '" + rid + "'");
      }
      boolean manual = r.bool("manual", false);
      String procedure = r.string("procedure", "").strip();
      if (manual && procedure.isEmpty()) {
        throw r.problem("procedure", "a manual requirement must say how to check it by hand");
      }
      requirements.add(new Framework.Requirement(rid, r.string("title"), r.string("section", ""),
          manual, procedure, Collections.emptyList()));
    }
    if (requirements.isEmpty()) {
      throw f.problem("requirements", "must list at least one requirement");
    }
    return new Framework(id, f.string("title"), f.string("version", ""),
        f.string("description", "").strip(), f.string("url", ""), requirements);
  }
}
