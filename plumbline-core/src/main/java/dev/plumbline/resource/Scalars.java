package dev.plumbline.resource;

import java.math.BigInteger;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Resolves plain YAML scalars the way Kubernetes does.
 *
 * <p>kubectl and the API server turn YAML into JSON with a YAML 1.1 resolver (go-yaml v2 through
 * sigs.k8s.io/yaml). Under YAML 1.1 {@code yes}, {@code on}, {@code y} are booleans, {@code 0777}
 * is an octal integer and {@code 1_000} is a thousand. A scanner that reads these as strings sees a
 * different object from the one the cluster runs, so {@code privileged: yes} would pass unnoticed.
 * JSON then carries integral floats as integers ({@code 0.0} arrives as {@code 0}), so they are
 * returned as {@link Long} too.
 */
final class Scalars {
  private static final Set<String> TRUE =
      Set.of("y", "Y", "yes", "Yes", "YES", "on", "On", "ON", "true", "True", "TRUE");
  private static final Set<String> FALSE =
      Set.of("n", "N", "no", "No", "NO", "off", "Off", "OFF", "false", "False", "FALSE");
  private static final Set<String> NULL = Set.of("", "~", "null", "Null", "NULL");
  private static final Pattern FLOAT =
      Pattern.compile("[-+]?(\\.[0-9]+|[0-9]+(\\.[0-9]*)?)([eE][-+]?[0-9]+)?");
  /** Every character the number forms below can hold: digits, hex, prefixes, inf and nan. */
  private static final String IN_NUMBERS = "0123456789abcdefABCDEFxXoOiInN_+-.";
  private static final Pattern DECIMAL = Pattern.compile("[-+]?[0-9]+");
  private static final Pattern HEX = Pattern.compile("[-+]?0[xX][0-9a-fA-F]+");
  private static final Pattern OCTAL = Pattern.compile("[-+]?0[oO]?[0-7]+");
  private static final Pattern BINARY = Pattern.compile("[-+]?0[bB][01]+");
  private static final BigInteger LONG_MIN = BigInteger.valueOf(Long.MIN_VALUE);
  private static final BigInteger LONG_MAX = BigInteger.valueOf(Long.MAX_VALUE);

  private Scalars() {}

  /** The value of an untagged plain scalar: null, Boolean, Long, Double or String. */
  static Object resolvePlain(String text) {
    if (text.isEmpty()) {
      return null;
    }
    char first = text.charAt(0);
    // Every null and bool word is at most 5 characters and starts with one of these letters.
    if (text.length() <= 5 && "~nNtTfFyYoO".indexOf(first) >= 0) {
      if (NULL.contains(text)) {
        return null;
      }
      if (TRUE.contains(text)) {
        return Boolean.TRUE;
      }
      if (FALSE.contains(text)) {
        return Boolean.FALSE;
      }
    }
    if ((first >= '0' && first <= '9') || first == '-' || first == '+' || first == '.') {
      Object number = number(text);
      if (number != null) {
        return number;
      }
    }
    return text;
  }

  /** The value of a scalar with an explicit tag ({@code !!str}, {@code !!int}, ...). */
  static Object resolveTagged(String tag, String text, boolean plain) {
    switch (tag) {
      case "tag:yaml.org,2002:str":
      case "tag:yaml.org,2002:binary":
      case "tag:yaml.org,2002:timestamp":
        return text;
      case "tag:yaml.org,2002:null":
        return null;
      case "tag:yaml.org,2002:bool":
        if (TRUE.contains(text)) {
          return Boolean.TRUE;
        }
        if (FALSE.contains(text)) {
          return Boolean.FALSE;
        }
        throw new IllegalArgumentException("'" + text + "' is not a boolean");
      case "tag:yaml.org,2002:int":
      case "tag:yaml.org,2002:float":
        Object number = number(text);
        if (number == null) {
          throw new IllegalArgumentException("'" + text + "' is not a number");
        }
        return number;
      default:
        // Unknown (local) tags do not change how Kubernetes reads the value.
        return plain ? resolvePlain(text) : text;
    }
  }

  /** A mapping key as JSON sees it: resolved like a value, then written as a string. */
  static String keyString(Object resolved, String text) {
    if (resolved == null) {
      return "null";
    }
    if (resolved instanceof String s) {
      return s;
    }
    if (resolved instanceof Double d) {
      return formatDouble(d);
    }
    if (resolved instanceof Long || resolved instanceof Boolean) {
      return resolved.toString();
    }
    return text;
  }

  private static Object number(String text) {
    Long small = shortDecimal(text);
    if (small != null) {
      return small; // what the general path below gives, without its patterns
    }
    for (int i = 0; i < text.length(); i++) {
      if (IN_NUMBERS.indexOf(text.charAt(i)) < 0) {
        return null; // quantities such as 100m or 128Mi, names, versions...
      }
    }
    String plain = text.indexOf('_') >= 0 ? text.replace("_", "") : text;
    if (plain.isEmpty()) {
      return null;
    }
    try {
      if (DECIMAL.matcher(plain).matches()) {
        // go's ParseInt with base 0 reads a leading zero as octal.
        if (OCTAL.matcher(plain).matches() && unsigned(plain).length() > 1) {
          return integer(plain, 8);
        }
        return integer(plain, 10);
      }
      if (HEX.matcher(plain).matches()) {
        return integer(plain, 16);
      }
      if (OCTAL.matcher(plain).matches()) {
        return integer(plain, 8);
      }
      if (BINARY.matcher(plain).matches()) {
        return integer(plain, 2);
      }
    } catch (NumberFormatException ignored) {
      // falls through to the float forms
    }
    if (FLOAT.matcher(plain).matches()) {
      return floating(Double.parseDouble(plain));
    }
    switch (plain) {
      case ".inf":
      case ".Inf":
      case ".INF":
      case "+.inf":
      case "+.Inf":
      case "+.INF":
        return Double.POSITIVE_INFINITY;
      case "-.inf":
      case "-.Inf":
      case "-.INF":
        return Double.NEGATIVE_INFINITY;
      case ".nan":
      case ".NaN":
      case ".NAN":
        return Double.NaN;
      default:
        return null;
    }
  }

  private static String unsigned(String s) {
    return s.startsWith("-") || s.startsWith("+") ? s.substring(1) : s;
  }

  /**
   * The value of up to 18 decimal digits, with an optional minus and no leading zero (which
   * would make it octal), or null: most numbers of a manifest (ports, replicas, user ids).
   */
  private static Long shortDecimal(String text) {
    int n = text.length();
    int start = n > 0 && text.charAt(0) == '-' ? 1 : 0;
    if (n == start || n - start > 18 || (text.charAt(start) == '0' && n - start > 1)) {
      return null;
    }
    long value = 0;
    for (int i = start; i < n; i++) {
      char c = text.charAt(i);
      if (c < '0' || c > '9') {
        return null;
      }
      value = value * 10 + (c - '0');
    }
    return start == 1 ? -value : value;
  }

  private static Object integer(String plain, int radix) {
    boolean negative = plain.startsWith("-");
    String digits = unsigned(plain);
    if (radix == 16 || radix == 2 || (radix == 8 && Character.isLetter(digits.charAt(1)))) {
      digits = digits.substring(2);
    } else if (radix == 8) {
      digits = digits.substring(1);
    }
    BigInteger value = new BigInteger(digits, radix);
    if (negative) {
      value = value.negate();
    }
    if (value.compareTo(LONG_MIN) >= 0 && value.compareTo(LONG_MAX) <= 0) {
      return value.longValue();
    }
    // Beyond int64 go-yaml falls back to a float.
    return value.doubleValue();
  }

  /** JSON turns integral floats into integers on their way to the API server. */
  static Object floating(double d) {
    if (!Double.isInfinite(d) && !Double.isNaN(d) && d == Math.rint(d)
        && d >= -9.223372036854776E18 && d < 9.223372036854776E18) {
      return (long) d;
    }
    return d;
  }

  static String formatDouble(double d) {
    if (d == Math.rint(d) && !Double.isInfinite(d) && Math.abs(d) < 1e21) {
      return Long.toString((long) d);
    }
    return Double.toString(d);
  }
}
