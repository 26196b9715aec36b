package dev.plumbline.control;

import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;
import java.util.concurrent.ConcurrentHashMap;

/**
 * CEL's {@code matches} with the compiled patterns kept: the standard implementation compiles the
 * regular expression on every call, which dominated the evaluation of some controls. Same RE2
 * semantics (CEL specifies RE2), same unanchored search.
 *
 * <p>Answers are kept too, per pattern, for texts up to {@value #MAX_TEXT} characters: the same
 * values come back again and again (three controls ask whether the same image reference ends in
 * a digest, and a cluster runs the same images in many pods), and an unanchored RE2 search tries
 * the pattern at every position of the text.
 */
final class Regexes {
  private static final int MAX_CACHED = 4096;
  private static final int MAX_ANSWERS = 16_384;
  private static final int MAX_TEXT = 512;
  private static final ConcurrentHashMap<String, Compiled> PATTERNS = new ConcurrentHashMap<>();

  private record Compiled(Pattern pattern, ConcurrentHashMap<String, Boolean> answers) {}

  private Regexes() {}

  static boolean matches(String text, String regex) {
    Compiled compiled = PATTERNS.get(regex);
    if (compiled == null) {
      try {
        compiled = new Compiled(Pattern.compile(regex), new ConcurrentHashMap<>());
      } catch (PatternSyntaxException e) {
        throw new IllegalArgumentException("invalid regular expression '" + regex + "': "
            + e.getMessage(), e);
      }
      if (PATTERNS.size() < MAX_CACHED) {
        Compiled before = PATTERNS.putIfAbsent(regex, compiled);
        if (before != null) {
          compiled = before;
        }
      }
    }
    if (text.length() > MAX_TEXT) {
      return compiled.pattern().matcher(text).find();
    }
    Boolean known = compiled.answers().get(text);
    if (known != null) {
      return known;
    }
    boolean found = compiled.pattern().matcher(text).find();
    if (compiled.answers().size() >= MAX_ANSWERS) {
      compiled.answers().clear(); // a bounded memory: start over rather than grow
    }
    compiled.answers().put(text, found);
    return found;
  }
}
