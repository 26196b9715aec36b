package dev.plumbline.output;

import java.util.Locale;

/**
 * Text from scanned input made safe to show to a person, on a terminal or in XML: one line, with
 * every control character, line or paragraph separator, bidirectional override and lone surrogate
 * written as a visible escape ({@code \n}, {@code \u001b}). A manifest can then neither move the
 * cursor, recolour the terminal, reorder what is read (Trojan Source) nor break an XML document.
 */
final class Printable {
  private static final String CUT = "... (%d more characters)";

  private Printable() {}

  /** The text with unsafe characters escaped; {@code ""} for null. */
  static String of(String text) {
    if (text == null) {
      return "";
    }
    StringBuilder sb = null;
    for (int i = 0; i < text.length(); ) {
      int cp = text.codePointAt(i);
      int width = Character.charCount(cp);
      if (unsafe(cp)) {
        if (sb == null) {
          sb = new StringBuilder(text.length() + 16).append(text, 0, i);
        }
        switch (cp) {
          case '\n' -> sb.append("\\n");
          case '\r' -> sb.append("\\r");
          case '\t' -> sb.append("\\t");
          default -> sb.append(String.format(Locale.ROOT, "\\u%04x", cp));
        }
      } else if (sb != null) {
        sb.appendCodePoint(cp);
      }
      i += width;
    }
    return sb == null ? text : sb.toString();
  }

  /** The escaped text, cut after {@code max} characters with a note of how much was left out. */
  static String of(String text, int max) {
    String escaped = of(text);
    if (escaped.length() <= max) {
      return escaped;
    }
    int end = Character.isHighSurrogate(escaped.charAt(max - 1)) ? max - 1 : max;
    return escaped.substring(0, end) + String.format(Locale.ROOT, CUT, escaped.length() - end);
  }

  static boolean unsafe(int cp) {
    return cp < 0x20 || (cp >= 0x7f && cp <= 0x9f)
        || cp == 0x061c || cp == 0x200e || cp == 0x200f
        || (cp >= 0x2028 && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069)
        || cp == 0xfeff || cp == 0xfffe || cp == 0xffff
        || (cp >= Character.MIN_SURROGATE && cp <= Character.MAX_SURROGATE);
  }
}
