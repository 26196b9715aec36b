package dev.plumbline.server.admission;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * How {@code plumbline serve} answers admission reviews (the {@code admission} section of the
 * serve configuration; docs/admission.md).
 *
 * @param enabled whether /admission/validate and /admission/mutate are served
 * @param action the action of a failing control that no other setting names
 * @param frameworks actions by framework id (a control in several: the strictest)
 * @param controls actions by control id
 * @param namespaces actions for namespaces matching name patterns, first match first
 * @param remediate control ids whose patch /admission/mutate applies ({@code remediate: auto})
 * @param exemptNamespaces namespaces never judged nor mutated
 * @param timeout how long a review may take before the failure policy decides it
 * @param failurePolicy what a review that cannot be decided answers
 * @param maxBodyBytes the largest AdmissionReview accepted
 */
public record AdmissionSettings(boolean enabled, Action action, Map<String, Action> frameworks,
    Map<String, Action> controls, List<NamespaceRule> namespaces, Set<String> remediate,
    List<String> exemptNamespaces, Duration timeout, FailurePolicy failurePolicy,
    long maxBodyBytes) {

  /** The API server's own limit of a request body: 3 MiB. */
  public static final long DEFAULT_MAX_BODY = 3L << 20;
  /** Namespaces exempt unless configured otherwise: Kubernetes' own and Plumbline's. */
  public static final List<String> DEFAULT_EXEMPT =
      List.of("kube-system", "kube-public", "kube-node-lease", "plumbline");
  /** How long a review may take by default; the webhook's timeoutSeconds is above it. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(2);

  /** Admission off; the other values are the defaults. */
  public static final AdmissionSettings DISABLED = new AdmissionSettings(false, Action.AUDIT,
      Map.of(), Map.of(), List.of(), Set.of(), DEFAULT_EXEMPT, DEFAULT_TIMEOUT,
      FailurePolicy.OPEN, DEFAULT_MAX_BODY);

  public AdmissionSettings {
    Objects.requireNonNull(action, "action");
    frameworks = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(frameworks));
    controls = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(controls));
    namespaces = List.copyOf(namespaces);
    remediate = java.util.Collections.unmodifiableSet(new java.util.TreeSet<>(remediate));
    exemptNamespaces = List.copyOf(exemptNamespaces);
    Objects.requireNonNull(failurePolicy, "failurePolicy");
    if (timeout == null || timeout.isZero() || timeout.isNegative()) {
      throw new IllegalArgumentException("admission.timeout: must be positive");
    }
    if (maxBodyBytes < 1024) {
      throw new IllegalArgumentException("admission.maxBodyBytes: must be at least 1024");
    }
  }

  /** The defaults with admission on. */
  public static AdmissionSettings enabledDefaults() {
    return DISABLED.withEnabled(true);
  }

  public AdmissionSettings withEnabled(boolean value) {
    return new AdmissionSettings(value, action, frameworks, controls, namespaces, remediate,
        exemptNamespaces, timeout, failurePolicy, maxBodyBytes);
  }

  public AdmissionSettings withAction(Action value) {
    return new AdmissionSettings(enabled, value, frameworks, controls, namespaces, remediate,
        exemptNamespaces, timeout, failurePolicy, maxBodyBytes);
  }

  public AdmissionSettings withControls(Map<String, Action> value) {
    return new AdmissionSettings(enabled, action, frameworks, value, namespaces, remediate,
        exemptNamespaces, timeout, failurePolicy, maxBodyBytes);
  }

  public AdmissionSettings withFrameworks(Map<String, Action> value) {
    return new AdmissionSettings(enabled, action, value, controls, namespaces, remediate,
        exemptNamespaces, timeout, failurePolicy, maxBodyBytes);
  }

  public AdmissionSettings withNamespaces(List<NamespaceRule> value) {
    return new AdmissionSettings(enabled, action, frameworks, controls, value, remediate,
        exemptNamespaces, timeout, failurePolicy, maxBodyBytes);
  }

  public AdmissionSettings withRemediate(Set<String> value) {
    return new AdmissionSettings(enabled, action, frameworks, controls, namespaces, value,
        exemptNamespaces, timeout, failurePolicy, maxBodyBytes);
  }

  public AdmissionSettings withExemptNamespaces(List<String> value) {
    return new AdmissionSettings(enabled, action, frameworks, controls, namespaces, remediate,
        value, timeout, failurePolicy, maxBodyBytes);
  }

  public AdmissionSettings withTimeout(Duration value) {
    return new AdmissionSettings(enabled, action, frameworks, controls, namespaces, remediate,
        exemptNamespaces, value, failurePolicy, maxBodyBytes);
  }

  public AdmissionSettings withFailurePolicy(FailurePolicy value) {
    return new AdmissionSettings(enabled, action, frameworks, controls, namespaces, remediate,
        exemptNamespaces, timeout, value, maxBodyBytes);
  }

  public AdmissionSettings withMaxBodyBytes(long value) {
    return new AdmissionSettings(enabled, action, frameworks, controls, namespaces, remediate,
        exemptNamespaces, timeout, failurePolicy, value);
  }

  /** What happens to a request that a failing control judges. */
  public enum Action {
    /** The control is not judged at admission. */
    OFF,
    /** Allowed; recorded as an admission event. */
    AUDIT,
    /** Allowed with a warning that kubectl prints; recorded. */
    WARN,
    /** Denied, with a message naming the control, the field and the fix; recorded. */
    ENFORCE;

    /**
     * Parses {@code off}, {@code audit}, {@code warn} or {@code enforce}.
     *
     * @throws IllegalArgumentException naming the accepted values
     */
    public static Action parse(String text) {
      try {
        return valueOf(text.strip().toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException | NullPointerException e) {
        throw new IllegalArgumentException("expected off, audit, warn or enforce: " + text);
      }
    }

    public String label() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** What a review answers when it cannot be decided (timeout, overload, internal error). */
  public enum FailurePolicy {
    /** Fail open: allowed, with a warning (the webhook's failurePolicy Ignore). */
    OPEN,
    /** Fail closed: denied (the webhook's failurePolicy Fail). */
    CLOSED;

    /**
     * Parses {@code open} or {@code closed} (or Kubernetes' {@code Ignore} and {@code Fail}).
     *
     * @throws IllegalArgumentException naming the accepted values
     */
    public static FailurePolicy parse(String text) {
      String t = text == null ? "" : text.strip().toLowerCase(Locale.ROOT);
      return switch (t) {
        case "open", "ignore" -> OPEN;
        case "closed", "fail" -> CLOSED;
        default -> throw new IllegalArgumentException("expected open or closed: " + text);
      };
    }

    /** The webhook configuration's failurePolicy that matches. */
    public String kubernetes() {
      return this == OPEN ? "Ignore" : "Fail";
    }
  }

  /**
   * Actions for namespaces whose names match one of {@code names} ({@code *} matches any
   * characters).
   *
   * @param names namespace name patterns
   * @param action the action of a failing control no other setting of this rule names; null to
   *     fall back to the top-level settings
   * @param frameworks actions by framework id
   * @param controls actions by control id
   */
  public record NamespaceRule(List<String> names, Action action, Map<String, Action> frameworks,
      Map<String, Action> controls) {
    public NamespaceRule {
      names = List.copyOf(names);
      if (names.isEmpty()) {
        throw new IllegalArgumentException("a namespace rule needs at least one name");
      }
      frameworks = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(frameworks));
      controls = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(controls));
    }

    /** Whether the rule applies to a namespace. */
    public boolean matches(String namespace) {
      for (String n : names) {
        if (glob(n, namespace)) {
          return true;
        }
      }
      return false;
    }

    static boolean glob(String pattern, String text) {
      StringBuilder re = new StringBuilder();
      for (String part : pattern.split("\\*", -1)) {
        if (!re.isEmpty()) {
          re.append(".*");
        }
        re.append(java.util.regex.Pattern.quote(part));
      }
      return text.matches(re.toString());
    }
  }
}
