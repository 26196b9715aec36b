package dev.plumbline.control;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Recognises credentials in plain text, for the controls that look for secrets written where they
 * do not belong (environment values, ConfigMaps). In CEL: {@code secretKind(value)} names the kind
 * of credential a value looks like ("" when none), {@code credentialName(name)} tells whether a
 * key or variable name suggests a credential, {@code literalValue(value)} whether a value is a
 * literal rather than a placeholder or reference, {@code redact(value)} hides most of a value.
 *
 * <p>Values can be whole files (an {@code application.properties}, a {@code grafana.ini}, a
 * kubeconfig). {@link #kindOf} searches inside them and names the line of what it found:
 *
 * <ul>
 *   <li>tokens with a recognisable format (private keys, cloud and forge tokens, JSON web tokens,
 *       Slack webhooks) anywhere, commented out or not;
 *   <li>on lines that are not comments: a password in a URL ({@code postgres://app:pw@db}), an
 *       {@code Authorization} header with a literal credential, and assignments of a literal to a
 *       credential name ({@code spring.datasource.password=...}, {@code password: ...},
 *       {@code "client_secret": "..."}, {@code Password=...;} in a connection string,
 *       {@code --token=...}, Redis' {@code requirepass}), but not of a placeholder
 *       ({@code ${DB_PASSWORD}}, {@code {{ .Values.password }}}, {@code $(TOKEN)}) or a path;
 *   <li>PEM blocks that are not private keys (certificates, public keys) are not credentials and
 *       are skipped, so a CA bundle such as {@code kube-root-ca.crt} is clean.
 * </ul>
 *
 * <p>A value that is base64 as a whole, and base64-encoded PEM blocks inside a value (a
 * kubeconfig's {@code client-key-data}), are also checked after decoding, since Kubernetes users
 * often encode credentials that way by habit.
 */
final class Secrets {
  /**
   * A token format, and literal text every match contains: the pattern only runs on text that
   * holds one of its hints (a regular expression scan per format over every value is the
   * expensive part of looking at a large ConfigMap).
   */
  private record Kind(String name, Pattern pattern, String... hints) {
    boolean mayMatch(String text) {
      for (String hint : hints) {
        if (text.contains(hint)) {
          return true;
        }
      }
      return false;
    }
  }

  /** Formats specific enough to be reported wherever they appear, comments included. */
  private static final List<Kind> TOKENS = List.of(
      new Kind("private key", Pattern.compile("-----BEGIN [A-Z0-9 ]*PRIVATE KEY( BLOCK)?-----"),
          "PRIVATE KEY"),
      new Kind("AWS access key id", Pattern.compile("\\b(AKIA|ASIA)[0-9A-Z]{16}\\b"),
          "AKIA", "ASIA"),
      new Kind("GitHub token",
          Pattern.compile("\\b(gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{40,})\\b"),
          "gh", "github_pat_"),
      new Kind("GitLab token", Pattern.compile("\\bglpat-[A-Za-z0-9_-]{20,}\\b"), "glpat-"),
      new Kind("Slack token", Pattern.compile("\\bxox[abprs]-[A-Za-z0-9-]{10,}\\b"), "xox"),
      new Kind("Slack webhook URL", Pattern.compile(
          "https://hooks\\.slack\\.com/(services|workflows|triggers)/[A-Za-z0-9]+/[A-Za-z0-9]+"
              + "/[A-Za-z0-9]{16,}"), "hooks.slack.com"),
      new Kind("Google API key", Pattern.compile("\\bAIza[0-9A-Za-z_-]{35}\\b"), "AIza"),
      new Kind("Stripe secret key", Pattern.compile("\\b[rs]k_live_[0-9A-Za-z]{20,}\\b"),
          "k_live_"),
      new Kind("JSON web token",
          Pattern.compile("\\beyJ[A-Za-z0-9_-]{8,}\\.eyJ[A-Za-z0-9_-]{8,}\\.[A-Za-z0-9_-]{8,}"),
          "eyJ"));

  /** {@code scheme://user:password@}; the user may be empty ({@code redis://:pw@host}). */
  private static final Pattern URL_PASSWORD =
      Pattern.compile("\\b[a-z][a-z0-9+.-]*://[^/\\s:@]*:([^/\\s@]{3,})@");
  /** A Go MySQL driver DSN: {@code user:password@tcp(host:3306)/db}. */
  private static final Pattern DSN_PASSWORD =
      Pattern.compile("(?:^|[\\s\"'=])[^\\s:@/\"'=]+:([^\\s@/]{3,})@(?:tcp|unix)\\(");
  private static final Pattern AUTHORIZATION = Pattern.compile(
      "(?i)\\bauthorization[\"']?[\\s:=,]+[\"']?(?:basic|bearer|token)\\s+"
          + "([A-Za-z0-9._~+/-]{12,}=*)");
  /**
   * A name followed by {@code :} or {@code =} at the start of a line (after a YAML list's
   * {@code -}) or after {@code ; , { ? &} (connection strings, flow maps, JSON, query strings),
   * with an optional {@code export}, {@code -D} or {@code --} before it. Comparisons
   * ({@code ==}, {@code =~}) are not assignments.
   */
  private static final Pattern ASSIGNMENT = Pattern.compile(
      "(?:^|[;,{?&]|\\s(?=-))\\s*(?:-\\s+)?(?:export\\s+|-D|--?)?[\"']?"
          + "([A-Za-z_][A-Za-z0-9_.\\-]*)[\"']?"
          + "\\s*[:=](?![=~])[ \\t]*");
  private static final Pattern XML_ELEMENT =
      Pattern.compile("<([A-Za-z_][A-Za-z0-9_.\\-]*)>([^<]*)</\\1>");
  /** Redis' password directives, which take no separator. */
  private static final Pattern REDIS_PASSWORD =
      Pattern.compile("^\\s*(requirepass|masterauth)\\s+(\\S+)");
  private static final Pattern PEM_BLOCK =
      Pattern.compile("-----BEGIN ([A-Z0-9 ]+)-----.*?(-----END \\1-----|\\z)", Pattern.DOTALL);
  private static final Pattern BASE64_PEM = Pattern.compile("LS0tLS1CRUdJTi[A-Za-z0-9+/]+={0,2}");
  private static final Pattern BASE64 = Pattern.compile("[A-Za-z0-9+/]{16,}={0,2}");
  /** How "-----BEGIN" starts in base64, whatever precedes it. */
  private static final String BASE64_PEM_START = "LS0tLS1CRUdJTi";
  private static final Pattern LINE_BREAK = Pattern.compile("\r?\n");
  private static final Pattern CAMEL_CASE = Pattern.compile("([a-z0-9])([A-Z])");
  private static final Pattern NOT_ALPHANUMERIC = Pattern.compile("[^a-z0-9]+");
  private static final Pattern EDGE_UNDERSCORES = Pattern.compile("^_+|_+$");
  /** Every credential word of {@link #CREDENTIAL_NAME} contains one of these. */
  private static final List<String> CREDENTIAL_WORDS =
      List.of("pass", "pwd", "secret", "token", "key", "cred");

  private static final Pattern CREDENTIAL_NAME = Pattern.compile(
      "(^|_)(password|passwd|pass|passphrase|pwd|pgpassword|secret|token|apikey|api_key"
          + "|access_key|secret_key|secret_key_base|private_key|ssh_key|auth_key|account_key"
          + "|encryption_key|signing_key|master_key|hmac_key|session_key|credentials?|creds)"
          + "(_?[0-9]+|_(value|plain|plaintext|raw|b64|base64|string|encoded|old|new|current"
          + "|previous|primary|secondary|prod|production|dev|staging|test))*$");
  private static final Pattern FILE_EXTENSION = Pattern.compile(
      "_(json|ya?ml|txt|conf|cfg|ini|properties|env|toml|xml)$");
  private static final Set<String> NOT_LITERAL = Set.of("null", "nil", "none", "~", "true",
      "false", "yes", "no", "on", "off", "undefined", "\"\"", "''");
  private static final Pattern PLACEHOLDER = Pattern.compile(
      "\\$\\{|\\$\\(|\\{\\{|\\{%|<%|#\\{|%\\{|%\\(|\\$__|^\\$[A-Za-z_0-9]|^<[^<>]*>$"
          + "|^@[A-Za-z0-9_.-]+@$|^__[A-Za-z0-9_]+__$|^%[A-Za-z0-9_]+%$|^ENC\\(|^\\{cipher\\}"
          + "|^(vault|ref\\+[a-z]+|awssm|awsssm|gcpsm|azkv|secret|file|env|arn:aws):"
          + "|^[*&!][A-Za-z_]"
          + "|^(os\\.environ|os\\.getenv|process\\.env|System\\.getenv|ENV\\[|env\\()");
  private static final Pattern ENV_NAME = Pattern.compile("[A-Z][A-Z0-9]*(_[A-Z0-9]+)+");
  private static final Pattern SHORT_NUMBER = Pattern.compile("-?[0-9]{1,6}");
  private static final Pattern MASKED = Pattern.compile("[*xX•#.\\-]+");
  private static final Pattern PATH = Pattern.compile("(/|\\./|\\.\\./|~/)[^\\s]*");

  private Secrets() {}

  /**
   * The kind of credential a value looks like, or "" when it looks like none. In a value of
   * several lines the kind ends with the line it is on: {@code "private key on line 3"}.
   */
  static String kindOf(String value) {
    if (value == null || value.length() < 8) {
      return "";
    }
    String found = search(value);
    if (!found.isEmpty()) {
      return found;
    }
    String trimmed = value.strip();
    if (trimmed.length() >= 16 && trimmed.length() <= 65536 && BASE64.matcher(trimmed).matches()
        && trimmed.length() % 4 == 0) {
      String inner = tokenIn(decode(trimmed));
      if (!inner.isEmpty()) {
        return "base64-encoded " + inner;
      }
    }
    return "";
  }

  private static String search(String value) {
    boolean lines = value.strip().indexOf('\n') >= 0;
    String text = withoutPublicPemBlocks(value);
    Matcher m;
    for (Kind k : TOKENS) {
      if (!k.mayMatch(text)) {
        continue;
      }
      m = k.pattern.matcher(text);
      if (m.find()) {
        return k.name + where(text, m.start(), lines);
      }
    }
    if (text.contains(BASE64_PEM_START)) {
      m = BASE64_PEM.matcher(text);
      while (m.find()) {
        String inner = tokenIn(decode(m.group()));
        if (!inner.isEmpty()) {
          return "base64-encoded " + inner + where(text, m.start(), lines);
        }
      }
    }
    String[] all = LINE_BREAK.split(text, -1);
    for (int i = 0; i < all.length; i++) {
      String line = all[i];
      if (isComment(line)) {
        continue;
      }
      String kind = inLine(line);
      if (!kind.isEmpty()) {
        return kind + (lines ? " on line " + (i + 1) : "");
      }
    }
    return "";
  }

  /** A credential that is not a token of a known format, on one line that is not a comment. */
  private static String inLine(String line) {
    // Cheap tests first: the patterns backtrack over long lines (a dashboard's JSON is one
    // line of a ConfigMap), so they only run where their match can be.
    Matcher m;
    if (line.contains("://") && line.indexOf('@') >= 0) {
      m = URL_PASSWORD.matcher(line);
      while (m.find()) {
        if (literalValue(m.group(1))) {
          return "password in URL";
        }
      }
    }
    if (line.contains("@tcp(") || line.contains("@unix(")) {
      m = DSN_PASSWORD.matcher(line);
      while (m.find()) {
        if (literalValue(m.group(1))) {
          return "password in DSN";
        }
      }
    }
    if (containsIgnoreCase(line, "authorization")) {
      m = AUTHORIZATION.matcher(line);
      if (m.find()) {
        return "Authorization header";
      }
    }
    if (line.contains("requirepass") || line.contains("masterauth")) {
      m = REDIS_PASSWORD.matcher(line);
      if (m.find() && literalValue(m.group(2))) {
        return "'" + m.group(1) + "' set to a literal value";
      }
    }
    if (line.indexOf(':') < 0 && line.indexOf('=') < 0 && line.indexOf('<') < 0) {
      return "";
    }
    m = ASSIGNMENT.matcher(line);
    int from = 0;
    while (from < line.length() && m.find(from)) {
      String name = m.group(1);
      // the value is read from the rest of the line only for a credential's name: capturing
      // it in the pattern would copy the rest of the line at every key of a long JSON line
      if (credentialName(name) && literalValue(firstValue(line.substring(m.end())))) {
        return "'" + name + "' set to a literal value";
      }
      from = m.start(1) + name.length();
    }
    m = XML_ELEMENT.matcher(line);
    while (m.find()) {
      if (credentialName(m.group(1)) && literalValue(m.group(2))) {
        return "'" + m.group(1) + "' set to a literal value";
      }
    }
    return "";
  }

  /** The value an assignment gives: a quoted string, or the text up to a space or separator. */
  private static String firstValue(String rest) {
    String s = rest.strip();
    if (s.isEmpty()) {
      return "";
    }
    char q = s.charAt(0);
    if (q == '"' || q == '\'') {
      int end = s.indexOf(q, 1);
      return end < 0 ? s.substring(1) : s.substring(0, end + 1);
    }
    if (s.startsWith("{{") || s.startsWith("${") || s.startsWith("$(")) {
      return s; // a template expression may hold spaces
    }
    int end = 0;
    while (end < s.length() && !Character.isWhitespace(s.charAt(end))
        && ";,&}".indexOf(s.charAt(end)) < 0) {
      end++;
    }
    return s.substring(0, end);
  }

  private static boolean isComment(String line) {
    String s = line.stripLeading();
    return s.startsWith("#") || s.startsWith(";") || s.startsWith("//") || s.startsWith("/*")
        || s.startsWith("*") || s.startsWith("<!--") || s.startsWith("-- ")
        || s.regionMatches(true, 0, "rem ", 0, 4);
  }

  private static String where(String text, int offset, boolean lines) {
    if (!lines) {
      return "";
    }
    int line = 1;
    for (int i = 0; i < offset; i++) {
      if (text.charAt(i) == '\n') {
        line++;
      }
    }
    return " on line " + line;
  }

  /** The text with PEM blocks that hold no private key blanked out, line breaks kept. */
  private static String withoutPublicPemBlocks(String text) {
    if (text.indexOf("-----BEGIN ") < 0) {
      return text;
    }
    Matcher m = PEM_BLOCK.matcher(text);
    StringBuilder sb = new StringBuilder(text.length());
    int last = 0;
    while (m.find()) {
      if (m.group(1).contains("PRIVATE KEY")) {
        continue;
      }
      sb.append(text, last, m.start());
      for (int i = m.start(); i < m.end(); i++) {
        if (text.charAt(i) == '\n') {
          sb.append('\n');
        }
      }
      last = m.end();
    }
    sb.append(text, last, text.length());
    return sb.toString();
  }

  private static String tokenIn(String decoded) {
    if (decoded.isEmpty()) {
      return "";
    }
    String text = withoutPublicPemBlocks(decoded);
    for (Kind k : TOKENS) {
      if (k.mayMatch(text) && k.pattern.matcher(text).find()) {
        return k.name;
      }
    }
    return "";
  }

  private static String decode(String base64) {
    String s = base64;
    if (s.length() % 4 != 0) {
      s = s.replace("=", "");
      s = s.substring(0, s.length() - s.length() % 4);
    }
    try {
      return new String(Base64.getDecoder().decode(s), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return "";
    }
  }

  /**
   * Whether a key or variable name suggests it holds a credential: its last word names one
   * ({@code DB_PASSWORD}, {@code apiKey}, {@code client-secret},
   * {@code spring.datasource.password}, {@code password.txt}), possibly followed by a qualifier
   * ({@code TOKEN_2}, {@code API_KEY_PROD}).
   * Not {@code PASSWORD_FILE}, {@code TOKEN_URL} or {@code password_min_length}, which are about
   * a credential without holding it, nor {@code existingSecret}, which names a Secret.
   */
  static boolean credentialName(String name) {
    if (name == null || name.isEmpty()) {
      return false;
    }
    String lower = name.toLowerCase(Locale.ROOT);
    if (CREDENTIAL_WORDS.stream().noneMatch(lower::contains)) {
      return false; // the common case, decided without the patterns below
    }
    String n = CAMEL_CASE.matcher(name).replaceAll("$1_$2").toLowerCase(Locale.ROOT);
    n = NOT_ALPHANUMERIC.matcher(n).replaceAll("_");
    n = EDGE_UNDERSCORES.matcher(n).replaceAll("");
    n = FILE_EXTENSION.matcher(n).replaceFirst("");
    if (n.startsWith("existing_")) {
      return false;
    }
    return CREDENTIAL_NAME.matcher(n).find();
  }

  /**
   * Whether a value is a literal that could be the credential itself, for a value found under a
   * credential name. Not: empty or shorter than 3 characters, a boolean or null word, a small
   * number (a length, a count, a duration), a mask ({@code ****}), a path, an environment
   * variable's name, a placeholder or reference ({@code ${DB_PASSWORD}}, {@code $(TOKEN)},
   * {@code {{ .Values.password }}}, {@code <password>}, {@code ENC(...)}, {@code vault:...},
   * {@code process.env.TOKEN}, a YAML alias or tag such as {@code *defaults}).
   */
  static boolean literalValue(String value) {
    if (value == null) {
      return false;
    }
    String v = value.strip();
    if (v.length() >= 2 && (v.charAt(0) == '"' || v.charAt(0) == '\'')
        && v.charAt(v.length() - 1) == v.charAt(0)) {
      v = v.substring(1, v.length() - 1).strip();
    }
    if (v.length() < 3 || NOT_LITERAL.contains(v.toLowerCase(Locale.ROOT))) {
      return false;
    }
    return !SHORT_NUMBER.matcher(v).matches() && !MASKED.matcher(v).matches()
        && !PATH.matcher(v).matches() && !ENV_NAME.matcher(v).matches()
        && !PLACEHOLDER.matcher(v).find();
  }

  /** Names of environment variables that hold a credential by convention. */
  private static final Pattern ENV_CREDENTIAL_NAME = Pattern.compile(
      "(PASSWORD|PASSWD|PASSPHRASE|SECRET|TOKEN|API[_.-]?KEY|ACCESS[_.-]?KEY|PRIVATE[_.-]?KEY"
          + "|SECRET[_.-]?KEY|SIGNING[_.-]?KEY|ENCRYPTION[_.-]?KEY|CREDENTIALS?)$"
          + "|(^|[_.-])(PASS|PWD|CREDS|AUTH)$");
  /** A $(VAR) or ${VAR} reference, or a path: not the credential itself. */
  private static final Pattern ENV_REFERENCE = Pattern.compile(
      "^(\\$\\([A-Za-z_][A-Za-z0-9_]*\\)|\\$\\{[A-Za-z_][A-Za-z0-9_]*\\}|/\\S*)$");
  /** Settings that name a mechanism or a switch rather than hold a secret. */
  private static final Pattern ENV_SETTING = Pattern.compile(
      "^(?i)(true|false|yes|no|on|off|0|1|enabled|disabled|none|null|basic|bearer|digest"
          + "|oauth2?|oidc|ldap|saml|kerberos|jwt|token|password)$");
  /** Base64 whose decoded bytes are printable ASCII: a credential encoded by habit. */
  private static final Pattern PRINTABLE_BASE64 = Pattern.compile(
      "^([A-Za-f][A-HQ-Xg-nw-z0-3][ABEFIJMNQRUVYZcdghklopstwx014589][A-Za-z0-9+/]){4,}"
          + "([A-Za-f][A-HQ-Xg-nw-z0-3]==|[A-Za-f][A-HQ-Xg-nw-z0-3][ABEFIJMNQRUVYZcdghklopstwx014589]=)?$");
  /** Token formats an environment value is compared with, as a whole value or decoded. */
  private static final List<Kind> ENV_TOKENS = List.of(
      new Kind("an AWS access key id",
          Pattern.compile("(^|[^A-Za-z0-9])(AKIA|ASIA)[A-Z0-9]{16}($|[^A-Za-z0-9])"),
          "AKIA", "ASIA"),
      new Kind("a GitHub token",
          Pattern.compile("(gh[pousr]_[A-Za-z0-9]{36}|github_pat_[A-Za-z0-9_]{50,})"),
          "gh", "github_pat_"),
      new Kind("a Slack token", Pattern.compile("xox[baprs]-[A-Za-z0-9-]{10,}"), "xox"),
      new Kind("a Google API key", Pattern.compile("AIza[0-9A-Za-z_-]{35}"), "AIza"),
      new Kind("a private key",
          Pattern.compile("-----BEGIN ([A-Z0-9]+ )*PRIVATE KEY( BLOCK)?-----"), "PRIVATE KEY"),
      new Kind("a JSON Web Token",
          Pattern.compile("eyJ[A-Za-z0-9_-]{8,}\\.eyJ[A-Za-z0-9_-]{8,}\\.[A-Za-z0-9_-]*"), "eyJ"),
      new Kind("a URL with a password",
          Pattern.compile("[A-Za-z][A-Za-z0-9+.-]*://[^/\\s:@]*:[^/\\s@$]+@"), "://"));

  /**
   * Why a literal environment variable looks like a credential ("it looks like a GitHub token",
   * "it is base64 of a private key", "the variable is named like one"), or "" when it does not:
   * its value has a known token format, as it is or base64-decoded, or its name is a credential's
   * and its value is neither a reference, a path nor a setting such as {@code true} or
   * {@code basic}.
   */
  static String envCredential(String name, String value) {
    if (value == null || value.isBlank()) {
      return "";
    }
    String decoded = "";
    if (PRINTABLE_BASE64.matcher(value).find()) {
      try {
        decoded = new String(Base64.getDecoder().decode(value), StandardCharsets.ISO_8859_1);
      } catch (IllegalArgumentException e) {
        decoded = "";
      }
    }
    for (Kind k : ENV_TOKENS) {
      if (k.mayMatch(value) && k.pattern.matcher(value).find()) {
        return "it looks like " + k.name;
      }
      if (!decoded.isEmpty() && k.mayMatch(decoded) && k.pattern.matcher(decoded).find()) {
        return "it is base64 of " + k.name;
      }
    }
    String upper = name == null ? "" : name.toUpperCase(Locale.ROOT);
    String trimmed = value.strip();
    if (!upper.equals("PWD") && ENV_CREDENTIAL_NAME.matcher(upper).find()
        && !ENV_REFERENCE.matcher(trimmed).find() && !ENV_SETTING.matcher(trimmed).find()) {
      return "the variable is named like one";
    }
    return "";
  }

  private static boolean containsIgnoreCase(String text, String lowerCaseWord) {
    int n = lowerCaseWord.length();
    for (int i = 0; i + n <= text.length(); i++) {
      if (text.regionMatches(true, i, lowerCaseWord, 0, n)) {
        return true;
      }
    }
    return false;
  }

  /** The first characters of a value and its length, never the whole secret. */
  static String redact(String value) {
    if (value == null) {
      return "";
    }
    int show = value.length() >= 16 ? 4 : value.length() >= 8 ? 2 : 0;
    return value.substring(0, show) + "…(" + value.length() + " characters)";
  }
}
