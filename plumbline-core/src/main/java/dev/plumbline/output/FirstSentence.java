package dev.plumbline.output;

/**
 * The first sentence of a remediation, for one-line "fix:" hints. Remediation texts are written
 * as wrapped paragraphs, so the first line alone would stop mid-sentence.
 */
final class FirstSentence {
  private FirstSentence() {}

  /** The first sentence of the first paragraph, with its line breaks joined. */
  static String of(String text) {
    if (text == null) {
      return "";
    }
    String paragraph = text.strip().split("\\R\\s*\\R", 2)[0];
    String joined = paragraph.replaceAll("\\s+", " ");
    for (int i = 1; i < joined.length() - 1; i++) {
      char c = joined.charAt(i);
      if ((c == '.' || c == '!' || c == '?') && joined.charAt(i + 1) == ' '
          && endsWord(joined, i) && i + 2 < joined.length()
          && startsSentence(joined.charAt(i + 2))) {
        return joined.substring(0, i + 1);
      }
    }
    return introducesAnExample(joined);
  }

  /**
   * A sentence that ends in a colon introduces an example that a one-line hint leaves out
   * ("Add a LimitRange, for example:"): it ends with a full stop instead.
   */
  private static String introducesAnExample(String sentence) {
    if (!sentence.endsWith(":")) {
      return sentence;
    }
    String s = sentence.substring(0, sentence.length() - 1).stripTrailing();
    for (String lead : new String[] {", for example", " for example", ", such as", ", like",
        " like this", " as follows", ", e.g."}) {
      if (s.endsWith(lead)) {
        s = s.substring(0, s.length() - lead.length());
        break;
      }
    }
    return s + ".";
  }

  /** Whether the punctuation at {@code i} ends a word, not a number ("1.") or "e.g.". */
  private static boolean endsWord(String s, int i) {
    char before = s.charAt(i - 1);
    boolean abbreviation = i >= 2 && s.charAt(i - 2) == '.';
    return !abbreviation && (Character.isLetter(before) || before == '`' || before == ')'
        || before == '"' || before == '\'');
  }

  private static boolean startsSentence(char c) {
    return Character.isUpperCase(c) || Character.isDigit(c) || c == '`' || c == '"' || c == '(';
  }
}
