package dev.plumbline.control;

import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;
import java.util.concurrent.ConcurrentHashMap;

/**
 * CEL's {@code matches} with the compiled patterns kept: the standard implementation compiles the
 * regular expression on every call, which dominated the evaluation of some controls. Same RE2
 * semantics (CEL specifies RE2), same unanchored search.
 */
final class Regexes {
  private static final int MAX_CACHED = 4096;
  private static final ConcurrentHashMap<String, Pattern> PATTERNS = new ConcurrentHashMap<>();

  private Regexes() {}

  static boolean matches(String text, String regex) {
    Pattern pattern = PATTERNS.get(regex);
    if (pattern == null) {
      try {
        pattern = Pattern.compile(regex);
      } catch (PatternSyntaxException e) {
        throw new IllegalArgumentException("invalid regular expression '" + regex + "': "
            + e.getMessage(), e);
      }
      if (PATTERNS.size() < MAX_CACHED) {
        PATTERNS.putIfAbsent(regex, pattern);
      }
    }
    return pattern.matcher(text).find();
  }
}
