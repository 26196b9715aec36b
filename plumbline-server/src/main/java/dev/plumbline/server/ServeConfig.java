package dev.plumbline.server;

import dev.plumbline.config.Config;
import dev.plumbline.control.PolicyVersion;
import dev.plumbline.control.Severity;
import dev.plumbline.resource.FieldPath;
import dev.plumbline.resource.InputException;
import dev.plumbline.resource.YamlFile;
import dev.plumbline.server.admission.AdmissionSettings;
import dev.plumbline.store.Store;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * Everything {@code plumbline serve} needs, read from a YAML file, environment variables and
 * command-line flags (in rising precedence). See docs/serve.md for every key.
 *
 * @param server where the API listens and whom it lets in
 * @param database where history is kept
 * @param cluster which cluster is watched, and how often it is resynced and snapshotted
 * @param scan what is evaluated
 * @param alerts where changes are sent
 * @param admission admission control (docs/admission.md)
 */
public record ServeConfig(ServerSettings server, Database database, Cluster cluster, Scan scan,
    Alerts alerts, AdmissionSettings admission) {

  /**
   * How long the monitor gathers watch events into one batch unless {@code cluster.debounce}
   * says otherwise (the monitor's own default, MonitorSettings.DEFAULT_DEBOUNCE).
   */
  public static final Duration DEFAULT_DEBOUNCE = Duration.ofMillis(50);

  /** The longest {@code cluster.debounce} accepted. */
  static final Duration MAX_DEBOUNCE = Duration.ofSeconds(10);

  /** The environment variables read, and the key each one sets. */
  public static final Map<String, String> ENVIRONMENT = envKeys();

  private static Map<String, String> envKeys() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("PLUMBLINE_PORT", "server.port");
    m.put("PLUMBLINE_DATABASE_URL", "database.url");
    m.put("PLUMBLINE_DATABASE_USER", "database.user");
    m.put("PLUMBLINE_DATABASE_PASSWORD", "database.password");
    m.put("PLUMBLINE_DATA_DIR", "database.dataDir");
    m.put("PLUMBLINE_CLUSTER_NAME", "cluster.name");
    m.put("PLUMBLINE_ADMIN_TOKEN", null); // adds an admin token named "admin"
    return java.util.Collections.unmodifiableMap(m);
  }

  /**
   * The history database: PostgreSQL when {@code url} is set, else embedded H2 in
   * {@code dataDir}.
   */
  public record Database(String url, String user, String password, Path dataDir) {
    /** Opens the store this names. */
    public Store open() {
      return url != null ? Store.open(url, user, password) : Store.embedded(dataDir);
    }

    @Override
    public String toString() {
      return url != null ? "Database[" + url + ", user=" + user + "]"
          : "Database[dataDir=" + dataDir + "]";
    }
  }

  /**
   * The watched cluster.
   *
   * @param name the name findings are stored under
   * @param kubeconfig null for the default (KUBECONFIG, ~/.kube/config, or in-cluster)
   * @param context null for the kubeconfig's current context
   * @param namespaces empty for every namespace
   * @param resyncPeriod how often everything is re-evaluated
   * @param snapshotInterval how often a posture snapshot is recorded
   * @param debounce how long watch events are gathered into one batch before it is judged
   */
  public record Cluster(String name, Path kubeconfig, String context, List<String> namespaces,
      Duration resyncPeriod, Duration snapshotInterval, Duration debounce) {
    public Cluster {
      namespaces = List.copyOf(namespaces);
    }
  }

  /**
   * What is evaluated.
   *
   * @param pssVersion null for the latest
   * @param frameworks empty for every framework
   * @param controls control ids to evaluate; empty for all (of the frameworks)
   * @param customControls a directory of custom controls; null for none
   * @param severities severity overrides by control id
   */
  public record Scan(PolicyVersion pssVersion, List<String> frameworks, List<String> controls,
      Path customControls, Map<String, Severity> severities) {
    public Scan {
      frameworks = List.copyOf(frameworks);
      controls = List.copyOf(controls);
      severities = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(severities));
    }

    /** The scan settings as the engine's configuration (no exceptions file: they are stored). */
    public Config toConfig() {
      return new Config(pssVersion, null, frameworks, customControls, null, severities);
    }
  }

  /**
   * Alerting.
   *
   * @param minSeverity findings less severe than this are not alerted
   * @param onResolve whether resolutions are alerted too
   * @param sinks where alerts go
   */
  public record Alerts(Severity minSeverity, boolean onResolve, List<Sink> sinks) {
    public Alerts {
      sinks = List.copyOf(sinks);
    }
  }

  /** A kind of alert sink. */
  public enum SinkType {
    WEBHOOK, SLACK, SYSLOG, LOG
  }

  /**
   * One alert sink.
   *
   * @param name unique; the outbox's sink name (defaults to the type)
   * @param type what it is
   * @param url webhook and slack: where to POST
   * @param secret webhook: the HMAC-SHA256 key that signs the body; null for none
   * @param host syslog: the server
   * @param port syslog: the port (514)
   * @param protocol syslog: udp or tcp
   * @param batchSize alerts per delivery (1)
   * @param batchInterval how long to wait to fill a batch (0)
   */
  public record Sink(String name, SinkType type, URI url, String secret, String host, int port,
      String protocol, int batchSize, Duration batchInterval) {
    @Override
    public String toString() {
      return "Sink[" + name + ", " + type + (url == null ? "" : ", " + url)
          + (host == null ? "" : ", " + protocol + "://" + host + ":" + port) + "]";
    }
  }

  private static final Map<String, Set<String>> KEYS = Map.ofEntries(
      Map.entry("", Set.of("server", "database", "cluster", "scan", "alerts", "admission")),
      Map.entry("server", Set.of("port", "address", "demo", "maxBodyBytes", "tls", "tokens")),
      Map.entry("server.tls", Set.of("certificate", "key", "keystore", "keystorePassword",
          "keystorePasswordFile")),
      Map.entry("server.tokens[]", Set.of("name", "token", "tokenFile", "role")),
      Map.entry("database", Set.of("url", "user", "password", "passwordFile", "dataDir")),
      Map.entry("cluster", Set.of("name", "kubeconfig", "context", "namespaces", "resyncPeriod",
          "snapshotInterval", "debounce")),
      Map.entry("scan", Set.of("pssVersion", "frameworks", "controls", "customControls",
          "severity")),
      Map.entry("alerts", Set.of("minSeverity", "onResolve", "sinks")),
      Map.entry("admission", Set.of("enabled", "action", "failurePolicy", "timeout",
          "maxBodyBytes", "exemptNamespaces", "frameworks", "controls", "namespaces")),
      Map.entry("admission.namespaces[]", Set.of("names", "action", "frameworks", "controls")),
      Map.entry("alerts.sinks[]", Set.of("name", "type", "url", "secret", "secretFile", "host",
          "port", "protocol", "batchSize", "batchInterval")));

  /** Scalar keys that flags (dotted keys) and environment variables may set. */
  static final Set<String> SETTABLE = settable();

  private static Set<String> settable() {
    Set<String> out = new TreeSet<>();
    KEYS.forEach((section, keys) -> {
      if (section.isEmpty() || section.endsWith("[]")) {
        return;
      }
      for (String k : keys) {
        String key = section + "." + k;
        if (!KEYS.containsKey(key) && !key.equals("server.tokens")
            && !key.equals("alerts.sinks") && !key.equals("scan.severity")
            && !key.equals("admission.frameworks") && !key.equals("admission.controls")
            && !key.equals("admission.namespaces")) {
          out.add(key);
        }
      }
    });
    return java.util.Collections.unmodifiableSet(out);
  }

  /**
   * Reads the configuration.
   *
   * @param file the YAML file; null for none (defaults, environment and flags only)
   * @param env the environment ({@link System#getenv()}); see {@link #ENVIRONMENT}
   * @param overrides flags as dotted keys ({@code server.port} to {@code 9090}; lists
   *     comma-separated), which win over the file and the environment
   * @throws InputException naming the file and line (or the variable or flag) and the field of
   *     the first problem
   */
  public static ServeConfig load(Path file, Map<String, String> env,
      Map<String, String> overrides) {
    return new Reader(file, env, overrides).read();
  }

  /** One value and where it came from. */
  private record Value(Object value, String source, int line, String key) {
    InputException error(String message) {
      return new InputException(source, line, key + ": " + message);
    }
  }

  private static final class Reader {
    private final String fileName;
    private final Path base;
    private final YamlFile.Document doc;
    private final Map<?, ?> root;
    private final Map<String, Value> set = new LinkedHashMap<>();
    private final String adminToken;

    Reader(Path file, Map<String, String> env, Map<String, String> overrides) {
      Objects.requireNonNull(env, "env");
      Objects.requireNonNull(overrides, "overrides");
      if (file == null) {
        fileName = "(no configuration file)";
        base = Path.of("").toAbsolutePath();
        doc = null;
        root = Map.of();
      } else {
        fileName = file.toString();
        base = file.toAbsolutePath().getParent();
        String text;
        try {
          text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
          throw new InputException(fileName, 0, "cannot read configuration: " + e.getMessage());
        }
        List<YamlFile.Document> docs = YamlFile.parse(fileName, text);
        if (docs.size() > 1) {
          throw new InputException(fileName, 0, "must hold one YAML document");
        }
        doc = docs.isEmpty() ? null : docs.get(0);
        Object r = doc == null ? null : doc.root();
        if (r == null) {
          root = Map.of();
        } else if (r instanceof Map<?, ?> m) {
          root = m;
        } else {
          throw new InputException(fileName, doc.lineOf(FieldPath.ROOT), "must be a mapping");
        }
        checkKeys(root, "", FieldPath.ROOT);
      }
      ENVIRONMENT.forEach((variable, key) -> {
        String v = env.get(variable);
        if (key != null && v != null && !v.isBlank()) {
          set.put(key, new Value(v.strip(), "environment variable " + variable, 0, key));
        }
      });
      String admin = env.get("PLUMBLINE_ADMIN_TOKEN");
      adminToken = admin == null || admin.isBlank() ? null : admin.strip();
      overrides.forEach((key, v) -> {
        if (!SETTABLE.contains(key)) {
          throw new InputException("flag " + key, 0, key + ": unknown setting (known: "
              + String.join(", ", SETTABLE) + ")");
        }
        set.put(key, new Value(v, "flag " + key, 0, key));
      });
    }

    private void checkKeys(Map<?, ?> map, String section, FieldPath at) {
      Set<String> known = KEYS.get(section);
      for (Map.Entry<?, ?> e : map.entrySet()) {
        String key = String.valueOf(e.getKey());
        FieldPath path = at.key(key);
        String dotted = section.isEmpty() ? key : section + "." + key;
        if (!known.contains(key)) {
          throw new InputException(fileName, doc.lineOf(path), dotted
              + ": unknown setting (known: " + String.join(", ", new TreeSet<>(known)) + ")");
        }
        if (KEYS.containsKey(dotted) && e.getValue() != null) {
          if (!(e.getValue() instanceof Map<?, ?> m)) {
            throw new InputException(fileName, doc.lineOf(path), dotted + ": must be a mapping");
          }
          checkKeys(m, dotted, path);
        }
        if (KEYS.containsKey(dotted + "[]") && e.getValue() != null) {
          if (!(e.getValue() instanceof List<?> list)) {
            throw new InputException(fileName, doc.lineOf(path), dotted + ": must be a list");
          }
          for (int i = 0; i < list.size(); i++) {
            FieldPath item = path.index(i);
            if (!(list.get(i) instanceof Map<?, ?> m)) {
              throw new InputException(fileName, doc.lineOf(item), dotted + "[" + i
                  + "]: must be a mapping");
            }
            checkKeys(m, dotted + "[]", item);
          }
        }
      }
    }

    /** The value of a dotted key: a flag, else the environment, else the file; null if unset. */
    private Value value(String key) {
      Value v = set.get(key);
      if (v != null) {
        return v;
      }
      Object node = root;
      FieldPath path = FieldPath.ROOT;
      for (String part : key.split("\\.")) {
        if (!(node instanceof Map<?, ?> m)) {
          return null;
        }
        node = m.get(part);
        path = path.key(part);
      }
      return node == null ? null : new Value(node, fileName, doc.lineOf(path), key);
    }

    private Value item(Map<?, ?> map, String key, FieldPath at, String label) {
      Object v = map.get(key);
      return v == null ? null : new Value(v, fileName, doc.lineOf(at.key(key)),
          label + "." + key);
    }

    private static String string(Value v, String otherwise) {
      if (v == null) {
        return otherwise;
      }
      if (v.value() instanceof Map || v.value() instanceof List) {
        throw v.error("must be a single value");
      }
      String s = String.valueOf(v.value()).strip();
      return s.isEmpty() ? otherwise : s;
    }

    private static int integer(Value v, int otherwise, int min, int max) {
      if (v == null) {
        return otherwise;
      }
      try {
        long n = v.value() instanceof Number num ? num.longValue()
            : Long.parseLong(string(v, ""));
        if (n < min || n > max) {
          throw v.error("must be " + min + " to " + max + ": " + n);
        }
        return (int) n;
      } catch (NumberFormatException e) {
        throw v.error("not a whole number: " + v.value());
      }
    }

    private static boolean bool(Value v, boolean otherwise) {
      if (v == null) {
        return otherwise;
      }
      if (v.value() instanceof Boolean b) {
        return b;
      }
      String s = string(v, "").toLowerCase(Locale.ROOT);
      return switch (s) {
        case "true", "yes", "on" -> true;
        case "false", "no", "off" -> false;
        default -> throw v.error("expected true or false: " + v.value());
      };
    }

    private static List<String> list(Value v) {
      if (v == null) {
        return List.of();
      }
      List<String> out = new ArrayList<>();
      if (v.value() instanceof List<?> l) {
        for (Object o : l) {
          if (o == null || o instanceof Map || o instanceof List) {
            throw v.error("must be a list of names");
          }
          out.add(String.valueOf(o).strip());
        }
      } else if (v.value() instanceof Map) {
        throw v.error("must be a list of names");
      } else {
        for (String part : String.valueOf(v.value()).split(",")) {
          if (!part.isBlank()) {
            out.add(part.strip());
          }
        }
      }
      return out;
    }

    static Duration duration(Value v, Duration otherwise) {
      if (v == null) {
        return otherwise;
      }
      String s = string(v, "");
      Duration d;
      try {
        if (s.startsWith("P") || s.startsWith("p")) {
          d = Duration.parse(s);
        } else {
          java.util.regex.Matcher m = java.util.regex.Pattern
              .compile("(\\d+)(ms|s|m|h|d)").matcher(s);
          if (!m.matches()) {
            throw v.error("not a duration (expected 30s, 10m, 1h, 1d or PT10M): " + s);
          }
          long n = Long.parseLong(m.group(1));
          d = switch (m.group(2)) {
            case "ms" -> Duration.ofMillis(n);
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            default -> Duration.ofDays(n);
          };
        }
      } catch (DateTimeParseException | ArithmeticException | NumberFormatException e) {
        throw v.error("not a duration (expected 30s, 10m, 1h, 1d or PT10M): " + s);
      }
      if (d.isNegative()) {
        throw v.error("must not be negative: " + s);
      }
      return d;
    }

    private Path path(Value v, Path otherwise) {
      String s = string(v, null);
      if (s == null) {
        return otherwise;
      }
      Path p = Path.of(s);
      // Paths in the file are relative to the file; those of flags and variables to the
      // working directory.
      if (p.isAbsolute() || !v.source().equals(fileName)) {
        return p;
      }
      return base.resolve(p).normalize();
    }

    private String secret(Value inline, Value file, String label) {
      if (inline != null && file != null) {
        throw file.error("give " + label + " or " + label + "File, not both");
      }
      if (file != null) {
        Path p = path(file, null);
        try {
          String s = Files.readString(p, StandardCharsets.UTF_8).strip();
          if (s.isEmpty()) {
            throw file.error("the file " + p + " is empty");
          }
          return s;
        } catch (IOException e) {
          throw file.error("cannot read " + p + ": " + e.getMessage());
        }
      }
      return string(inline, null);
    }

    ServeConfig read() {
      return new ServeConfig(server(), database(), cluster(), scan(), alerts(), admission());
    }

    private AdmissionSettings admission() {
      AdmissionSettings a = AdmissionSettings.DISABLED
          .withEnabled(bool(value("admission.enabled"), false));
      Value action = value("admission.action");
      if (action != null) {
        a = a.withAction(action(action));
      }
      Value policy = value("admission.failurePolicy");
      if (policy != null) {
        try {
          a = a.withFailurePolicy(AdmissionSettings.FailurePolicy.parse(string(policy, "")));
        } catch (IllegalArgumentException e) {
          throw policy.error(e.getMessage());
        }
      }
      Value timeout = value("admission.timeout");
      if (timeout != null) {
        Duration d = duration(timeout, null);
        if (d.toMillis() < 10 || d.compareTo(Duration.ofSeconds(30)) > 0) {
          throw timeout.error("must be 10ms to 30s (the API server waits at most 30s)");
        }
        a = a.withTimeout(d);
      }
      a = a.withMaxBodyBytes(integer(value("admission.maxBodyBytes"),
          (int) AdmissionSettings.DEFAULT_MAX_BODY, 1024, 64 << 20));
      Value exempt = value("admission.exemptNamespaces");
      if (exempt != null) {
        a = a.withExemptNamespaces(list(exempt));
      }
      a = a.withFrameworks(actions(value("admission.frameworks"), false, null));
      java.util.Set<String> remediate = new TreeSet<>();
      a = a.withControls(actions(value("admission.controls"), true, remediate));
      a = a.withRemediate(remediate);
      List<AdmissionSettings.NamespaceRule> rules = new ArrayList<>();
      Object node = root.get("admission") instanceof Map<?, ?> m ? m.get("namespaces") : null;
      List<?> list = node instanceof List<?> l ? l : List.of();
      for (int i = 0; i < list.size(); i++) {
        Map<?, ?> m = (Map<?, ?>) list.get(i);
        FieldPath at = FieldPath.of("admission", "namespaces", i);
        String label = "admission.namespaces[" + i + "]";
        Value names = item(m, "names", at, label);
        List<String> n = list(names);
        if (n.isEmpty()) {
          throw new InputException(fileName, doc.lineOf(at), label
              + ".names: required (namespace names; * matches any characters)");
        }
        Value ruleAction = item(m, "action", at, label);
        rules.add(new AdmissionSettings.NamespaceRule(n,
            ruleAction == null ? null : action(ruleAction),
            actions(item(m, "frameworks", at, label), false, null),
            actions(item(m, "controls", at, label), false, null)));
      }
      return a.withNamespaces(rules);
    }

    private static AdmissionSettings.Action action(Value v) {
      try {
        return AdmissionSettings.Action.parse(string(v, ""));
      } catch (IllegalArgumentException e) {
        throw v.error(e.getMessage());
      }
    }

    /**
     * A map of ids to actions; with {@code remediate} not null, a value may also be a mapping
     * {@code {action: warn, remediate: auto}}.
     */
    private Map<String, AdmissionSettings.Action> actions(Value v, boolean withRemediate,
        java.util.Set<String> remediate) {
      Map<String, AdmissionSettings.Action> out = new LinkedHashMap<>();
      if (v == null) {
        return out;
      }
      if (!(v.value() instanceof Map<?, ?> m)) {
        throw v.error("must map ids to off, audit, warn or enforce");
      }
      for (Map.Entry<?, ?> e : m.entrySet()) {
        String id = String.valueOf(e.getKey());
        Value entry = new Value(e.getValue(), v.source(), lineIn(v, id), v.key() + "." + id);
        if (e.getValue() instanceof Map<?, ?> settings) {
          if (!withRemediate) {
            throw entry.error("must be off, audit, warn or enforce");
          }
          for (Object k : settings.keySet()) {
            if (!"action".equals(k) && !"remediate".equals(k)) {
              throw entry.error(k + ": unknown setting (known: action, remediate)");
            }
          }
          if (settings.get("action") != null) {
            out.put(id, action(new Value(settings.get("action"), v.source(), entry.line(),
                entry.key() + ".action")));
          }
          Object r = settings.get("remediate");
          if (r != null) {
            String how = String.valueOf(r).strip().toLowerCase(Locale.ROOT);
            if (how.equals("auto")) {
              remediate.add(id);
            } else if (!how.equals("off")) {
              throw entry.error("remediate: expected auto or off: " + r);
            }
          }
        } else {
          out.put(id, action(entry));
        }
      }
      return out;
    }

    private int lineIn(Value v, String id) {
      if (doc == null || !v.source().equals(fileName)) {
        return v.line();
      }
      FieldPath path = FieldPath.ROOT;
      for (String part : v.key().replaceAll("\\[(\\d+)]", ".$1").split("\\.")) {
        path = part.matches("\\d+") ? path.index(Integer.parseInt(part)) : path.key(part);
      }
      return doc.lineOf(path.key(id));
    }

    private ServerSettings server() {
      int port = integer(value("server.port"), 8080, 0, 65535);
      String address = string(value("server.address"), "0.0.0.0");
      boolean demo = bool(value("server.demo"), false);
      Value maxBody = value("server.maxBodyBytes");
      long max = integer(maxBody, (int) ServerSettings.DEFAULT_MAX_BODY, 1024, 16 << 20);
      ServerSettings.Tls tls = tls();
      List<ServerSettings.ApiToken> tokens = tokens();
      if (tokens.isEmpty() && !demo) {
        throw new InputException(fileName, 0, "server.tokens: no API token: add one to"
            + " server.tokens, set PLUMBLINE_ADMIN_TOKEN, or run with server.demo (read-only"
            + " without a token)");
      }
      return new ServerSettings(address, port, tls, tokens, demo, max);
    }

    private ServerSettings.Tls tls() {
      Value cert = value("server.tls.certificate");
      Value key = value("server.tls.key");
      Value store = value("server.tls.keystore");
      Value password = value("server.tls.keystorePassword");
      Value passwordFile = value("server.tls.keystorePasswordFile");
      if (cert == null && key == null && store == null) {
        if (password != null || passwordFile != null) {
          throw (password != null ? password : passwordFile).error("needs server.tls.keystore");
        }
        return null;
      }
      if (store != null && (cert != null || key != null)) {
        throw store.error("give certificate and key, or keystore, not both");
      }
      if (store == null && (cert == null || key == null)) {
        throw (cert == null ? key : cert).error("server.tls.certificate and server.tls.key"
            + " go together");
      }
      if (store != null) {
        return ServerSettings.Tls.pkcs12(existing(store),
            secret(password, passwordFile, "keystorePassword"));
      }
      return ServerSettings.Tls.pem(existing(cert), existing(key));
    }

    private Path existing(Value v) {
      Path p = path(v, null);
      if (!Files.isReadable(p)) {
        throw v.error("cannot read " + p);
      }
      return p;
    }

    private List<ServerSettings.ApiToken> tokens() {
      List<ServerSettings.ApiToken> out = new ArrayList<>();
      Set<String> names = new HashSet<>();
      Set<String> secrets = new HashSet<>();
      Object node = root.get("server") instanceof Map<?, ?> s ? s.get("tokens") : null;
      List<?> list = node instanceof List<?> l ? l : List.of();
      for (int i = 0; i < list.size(); i++) {
        Map<?, ?> m = (Map<?, ?>) list.get(i);
        FieldPath at = FieldPath.of("server", "tokens", i);
        String label = "server.tokens[" + i + "]";
        Value name = item(m, "name", at, label);
        if (string(name, null) == null) {
          throw new InputException(fileName, doc.lineOf(at), label + ".name: required");
        }
        String n = string(name, null);
        if (!names.add(n)) {
          throw name.error("another token has the name " + n);
        }
        String secret = secret(item(m, "token", at, label), item(m, "tokenFile", at, label),
            "token");
        if (secret == null) {
          throw new InputException(fileName, doc.lineOf(at), label
              + ": token or tokenFile required");
        }
        if (secret.length() < 16) {
          throw new InputException(fileName, doc.lineOf(at), label
              + ": the token is shorter than 16 characters");
        }
        if (!secrets.add(secret)) {
          throw new InputException(fileName, doc.lineOf(at), label
              + ": another token has the same secret");
        }
        Value role = item(m, "role", at, label);
        ServerSettings.Role r = ServerSettings.Role.VIEWER;
        if (role != null) {
          String s = string(role, "");
          r = switch (s.toLowerCase(Locale.ROOT)) {
            case "viewer" -> ServerSettings.Role.VIEWER;
            case "admin" -> ServerSettings.Role.ADMIN;
            default -> throw role.error("expected viewer or admin: " + s);
          };
        }
        out.add(new ServerSettings.ApiToken(n, secret, r));
      }
      if (adminToken != null) {
        if (names.contains("admin")) {
          throw new InputException("environment variable PLUMBLINE_ADMIN_TOKEN", 0,
              "adds the token \"admin\", but server.tokens already has one of that name");
        }
        if (secrets.contains(adminToken)) {
          throw new InputException("environment variable PLUMBLINE_ADMIN_TOKEN", 0,
              "is the secret of a token in server.tokens");
        }
        out.add(new ServerSettings.ApiToken("admin", adminToken, ServerSettings.Role.ADMIN));
      }
      return out;
    }

    private Database database() {
      Value url = value("database.url");
      String u = string(url, null);
      if (u != null && !u.startsWith("jdbc:postgresql:") && !u.startsWith("jdbc:h2:")) {
        throw url.error("expected a jdbc:postgresql: (or jdbc:h2:) URL: " + u);
      }
      String user = string(value("database.user"), null);
      String password = secret(value("database.password"), value("database.passwordFile"),
          "password");
      Path dataDir = path(value("database.dataDir"), Path.of("plumbline-data"));
      return new Database(u, user, password == null ? "" : password, dataDir);
    }

    private Cluster cluster() {
      String name = string(value("cluster.name"), "default");
      if (!name.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,62}")) {
        throw value("cluster.name").error("letters, digits, '.', '_' and '-', up to 63: " + name);
      }
      Value resync = value("cluster.resyncPeriod");
      Duration r = duration(resync, Duration.ofMinutes(10));
      if (r.compareTo(Duration.ofSeconds(30)) < 0) {
        throw resync.error("must be at least 30s");
      }
      Value snapshot = value("cluster.snapshotInterval");
      Duration s = duration(snapshot, Duration.ofHours(1));
      if (s.compareTo(Duration.ofMinutes(1)) < 0) {
        throw snapshot.error("must be at least 1m");
      }
      Value debounce = value("cluster.debounce");
      Duration d = duration(debounce, DEFAULT_DEBOUNCE);
      if (d.isNegative() || d.compareTo(MAX_DEBOUNCE) > 0) {
        throw debounce.error("must be from 0 to 10s");
      }
      return new Cluster(name, path(value("cluster.kubeconfig"), null),
          string(value("cluster.context"), null), list(value("cluster.namespaces")), r, s, d);
    }

    private Scan scan() {
      PolicyVersion version = null;
      Value v = value("scan.pssVersion");
      if (v != null) {
        try {
          version = PolicyVersion.parse(string(v, ""));
        } catch (IllegalArgumentException e) {
          throw v.error(e.getMessage());
        }
      }
      Map<String, Severity> severities = new LinkedHashMap<>();
      Value sev = value("scan.severity");
      if (sev != null) {
        if (!(sev.value() instanceof Map<?, ?> m)) {
          throw sev.error("must map control ids to severities");
        }
        for (Map.Entry<?, ?> e : m.entrySet()) {
          try {
            severities.put(String.valueOf(e.getKey()),
                Severity.parse(String.valueOf(e.getValue())));
          } catch (IllegalArgumentException ex) {
            throw new InputException(fileName, doc.lineOf(FieldPath.of("scan", "severity",
                e.getKey())), "scan.severity." + e.getKey() + ": " + ex.getMessage());
          }
        }
      }
      return new Scan(version, list(value("scan.frameworks")), list(value("scan.controls")),
          path(value("scan.customControls"), null), severities);
    }

    private Alerts alerts() {
      Severity min = Severity.HIGH;
      Value v = value("alerts.minSeverity");
      if (v != null) {
        try {
          min = Severity.parse(string(v, ""));
        } catch (IllegalArgumentException e) {
          throw v.error(e.getMessage());
        }
      }
      boolean onResolve = bool(value("alerts.onResolve"), false);
      List<Sink> sinks = new ArrayList<>();
      Set<String> names = new HashSet<>();
      Object node = root.get("alerts") instanceof Map<?, ?> a ? a.get("sinks") : null;
      List<?> list = node instanceof List<?> l ? l : List.of();
      for (int i = 0; i < list.size(); i++) {
        Map<?, ?> m = (Map<?, ?>) list.get(i);
        FieldPath at = FieldPath.of("alerts", "sinks", i);
        String label = "alerts.sinks[" + i + "]";
        Value typeValue = item(m, "type", at, label);
        if (typeValue == null) {
          throw new InputException(fileName, doc.lineOf(at), label
              + ".type: required (webhook, slack, syslog or log)");
        }
        SinkType type;
        try {
          type = SinkType.valueOf(string(typeValue, "").toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
          throw typeValue.error("expected webhook, slack, syslog or log: " + typeValue.value());
        }
        Value nameValue = item(m, "name", at, label);
        String name = string(nameValue, Request.lower(type));
        if (!names.add(name)) {
          throw new InputException(fileName, doc.lineOf(at), label + ": another sink is named "
              + name + " (give each a name)");
        }
        Value urlValue = item(m, "url", at, label);
        URI url = null;
        if (urlValue != null) {
          try {
            url = new URI(string(urlValue, ""));
            if (!"http".equals(url.getScheme()) && !"https".equals(url.getScheme())) {
              throw urlValue.error("must be an http or https URL: " + urlValue.value());
            }
          } catch (URISyntaxException e) {
            throw urlValue.error("not a URL: " + e.getMessage());
          }
        }
        if ((type == SinkType.WEBHOOK || type == SinkType.SLACK) && url == null) {
          throw new InputException(fileName, doc.lineOf(at), label + ".url: required for "
              + Request.lower(type));
        }
        String secret = secret(item(m, "secret", at, label), item(m, "secretFile", at, label),
            "secret");
        Value hostValue = item(m, "host", at, label);
        String host = string(hostValue, null);
        if (type == SinkType.SYSLOG && host == null) {
          throw new InputException(fileName, doc.lineOf(at), label + ".host: required for"
              + " syslog");
        }
        int port = integer(item(m, "port", at, label), 514, 1, 65535);
        Value protocolValue = item(m, "protocol", at, label);
        String protocol = string(protocolValue, "udp").toLowerCase(Locale.ROOT);
        if (!protocol.equals("udp") && !protocol.equals("tcp")) {
          throw protocolValue.error("expected udp or tcp: " + protocol);
        }
        int batchSize = integer(item(m, "batchSize", at, label), 1, 1, 1000);
        Duration interval = duration(item(m, "batchInterval", at, label), Duration.ZERO);
        for (String field : List.of("url", "secret", "secretFile")) {
          Value extra = item(m, field, at, label);
          if (extra != null && (type == SinkType.SYSLOG || type == SinkType.LOG)) {
            throw extra.error("does not apply to a " + Request.lower(type) + " sink");
          }
        }
        for (String field : List.of("host", "port", "protocol")) {
          Value extra = item(m, field, at, label);
          if (extra != null && type != SinkType.SYSLOG) {
            throw extra.error("applies to syslog sinks only");
          }
        }
        sinks.add(new Sink(name, type, url, secret, host, type == SinkType.SYSLOG ? port : 0,
            type == SinkType.SYSLOG ? protocol : null, batchSize, interval));
      }
      return new Alerts(min, onResolve, sinks);
    }
  }
}
