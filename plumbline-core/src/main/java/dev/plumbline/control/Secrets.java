package dev.plumbline.control;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Recognises credentials in plain text, for the controls that look for secrets written where they
 * do not belong (environment values, ConfigMaps). In CEL: {@code secretKind(value)} names the kind
 * of credential a value looks like ("" when none), {@code credentialName(name)} tells whether a
 * key or variable name suggests a credential, {@code redact(value)} hides most of a value.
 *
 * <p>Values are also checked after base64 decoding, since Kubernetes users often encode
 * credentials that way by habit.
 */
final class Secrets {
  private record Kind(String name, Pattern pattern) {}

  private static final List<Kind> KINDS = List.of(
      new Kind("private key", Pattern.compile("-----BEGIN [A-Z ]*PRIVATE KEY( BLOCK)?-----")),
      new Kind("AWS access key id", Pattern.compile("\\b(AKIA|ASIA)[0-9A-Z]{16}\\b")),
      new Kind("GitHub token", Pattern.compile("\\b(gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{40,})\\b")),
      new Kind("GitLab token", Pattern.compile("\\bglpat-[A-Za-z0-9_-]{20,}\\b")),
      new Kind("Slack token", Pattern.compile("\\bxox[abprs]-[A-Za-z0-9-]{10,}\\b")),
      new Kind("Google API key", Pattern.compile("\\bAIza[0-9A-Za-z_-]{35}\\b")),
      new Kind("Stripe secret key", Pattern.compile("\\b[rs]k_live_[0-9A-Za-z]{20,}\\b")),
      new Kind("JSON web token",
          Pattern.compile("\\beyJ[A-Za-z0-9_-]{8,}\\.eyJ[A-Za-z0-9_-]{8,}\\.[A-Za-z0-9_-]{8,}")),
      new Kind("password in URL", Pattern.compile("\\b[a-z][a-z0-9+.-]*://[^/\\s:@]+:[^/\\s@]{3,}@")));

  private static final Pattern BASE64 = Pattern.compile("[A-Za-z0-9+/]{16,}={0,2}");
  private static final Pattern CREDENTIAL_NAME = Pattern.compile(
      "(^|[^a-z])(password|passwd|passphrase|pwd|secret|token|api[_-]?key|apikey|access[_-]?key"
          + "|secret[_-]?key|private[_-]?key|credentials?|auth[_-]?key|client[_-]?secret"
          + "|connection[_-]?string|dsn)([^a-z]|$)");
  private static final Pattern BENIGN_NAME = Pattern.compile(
      "(_file|_path|_dir|_url|_uri|_endpoint|_ttl|_expiry|_expires|_length|_size|_timeout"
          + "|_header|_name|_id|_enabled|_required|_policy|_mode|_format|_type|_version|_ref"
          + "|-file|-path|-url|-name)$");

  private Secrets() {}

  /** The kind of credential a value looks like, or "" when it looks like none. */
  static String kindOf(String value) {
    if (value == null || value.length() < 8) {
      return "";
    }
    String direct = match(value);
    if (!direct.isEmpty()) {
      return direct;
    }
    String trimmed = value.strip();
    if (trimmed.length() >= 16 && trimmed.length() <= 65536 && BASE64.matcher(trimmed).matches()
        && trimmed.length() % 4 == 0) {
      try {
        String decoded = new String(Base64.getDecoder().decode(trimmed), StandardCharsets.UTF_8);
        String inner = match(decoded);
        if (!inner.isEmpty()) {
          return "base64-encoded " + inner;
        }
      } catch (IllegalArgumentException ignored) {
        // not base64 after all
      }
    }
    return "";
  }

  private static String match(String text) {
    for (Kind k : KINDS) {
      if (k.pattern.matcher(text).find()) {
        return k.name;
      }
    }
    return "";
  }

  /**
   * Whether a key or variable name suggests it holds a credential: {@code DB_PASSWORD},
   * {@code apiKey}, {@code client-secret}; not {@code PASSWORD_FILE} or {@code TOKEN_URL}, which
   * point at one.
   */
  static boolean credentialName(String name) {
    if (name == null) {
      return false;
    }
    String lower = name.replaceAll("([a-z])([A-Z])", "$1_$2").toLowerCase(Locale.ROOT);
    return CREDENTIAL_NAME.matcher(lower).find() && !BENIGN_NAME.matcher(lower).find();
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
