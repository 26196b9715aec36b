package dev.plumbline.control;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Pod Security Standards policy version, {@code v1.N}: the Kubernetes minor version whose rules
 * apply, as in the {@code pod-security.kubernetes.io/enforce-version} namespace label.
 */
public record PolicyVersion(int major, int minor) implements Comparable<PolicyVersion> {
  /** The newest policy version this release of Plumbline knows. */
  public static final PolicyVersion LATEST = new PolicyVersion(1, 37);
  /** The first policy version. */
  public static final PolicyVersion FIRST = new PolicyVersion(1, 0);

  private static final Pattern FORM = Pattern.compile("v(\\d+)\\.(\\d+)");

  /**
   * Parses {@code v1.N} or {@code latest}.
   *
   * @throws IllegalArgumentException for any other text, or a version newer than {@link #LATEST}
   */
  public static PolicyVersion parse(String text) {
    if ("latest".equals(text)) {
      return LATEST;
    }
    Matcher m = FORM.matcher(text == null ? "" : text);
    if (!m.matches()) {
      throw new IllegalArgumentException(
          "bad policy version '" + text + "' (expected v1.N, for example v1.30, or latest)");
    }
    PolicyVersion v = new PolicyVersion(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)));
    if (v.major != 1) {
      throw new IllegalArgumentException("bad policy version '" + text + "': only v1.N exists");
    }
    return v;
  }

  @Override
  public int compareTo(PolicyVersion o) {
    return major != o.major ? Integer.compare(major, o.major) : Integer.compare(minor, o.minor);
  }

  @Override
  public String toString() {
    return "v" + major + "." + minor;
  }
}
