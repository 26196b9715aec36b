package dev.plumbline.resource;

/**
 * A fast reader for the plain block-style YAML that nearly every manifest is written in, used
 * before snakeyaml-engine (which reads all of YAML) because a large scan spent most of its
 * reading time in snakeyaml's general scanner.
 *
 * <p>It knows block mappings and sequences (compact and indentless forms included), plain and
 * quoted scalars on one line, literal and folded block scalars, flow collections on one line,
 * comments and {@code ---} separators. Anything else (anchors, aliases, tags, directives, merge
 * keys, {@code ...}, complex keys, scalars or flow collections over several lines, tabs or
 * carriage returns where structure is, characters YAML does not allow) and any syntax error
 * makes it give up on the whole stream, and the caller reads that stream with snakeyaml, which
 * gives the exact messages. So it never decides what is an error, and for what it accepts it
 * must give exactly snakeyaml's events and lines: {@code PlainYamlTest} holds it to that on every
 * YAML file of the project, the generated benchmark set and mutations of them.
 */
final class PlainYaml {
  /** Receives the events of the stream, as snakeyaml's parser would give them. */
  interface Handler {
    void documentStart(int line);

    void documentEnd();

    void collectionStart(boolean mapping, int line);

    void collectionEnd();

    void scalar(String text, boolean plain, int line);
  }

  private static final class GiveUp extends RuntimeException {
    private static final long serialVersionUID = 1L;

    GiveUp() {
      super(null, null, false, false);
    }
  }

  private static final GiveUp GIVE_UP = new GiveUp();

  private final char[] s;
  private final int n;
  private final Handler handler;
  private final int maxDepth;
  private int pos;
  private int line = 1;
  private int lineStart;
  private int depth;
  /** The column of the first character of the line {@link #pos} is on, or -1 at the end. */
  private int indent;

  private PlainYaml(char[] text, int length, Handler handler, int maxDepth) {
    this.s = text;
    this.n = length;
    this.handler = handler;
    this.maxDepth = maxDepth;
  }

  /**
   * Reads a whole stream into {@code handler}; false when it gave up, and then the events it has
   * given so far are to be dropped.
   */
  static boolean parse(String text, Handler handler, int maxDepth) {
    return parse(text.toCharArray(), text.length(), handler, maxDepth);
  }

  /** Reads the first {@code length} characters of {@code text} (see {@link #parse(String,
   * Handler, int)}). */
  static boolean parse(char[] text, int length, Handler handler, int maxDepth) {
    if (!allowed(text, length)) {
      return false;
    }
    try {
      new PlainYaml(text, length, handler, maxDepth).stream();
      return true;
    } catch (GiveUp e) {
      return false;
    }
  }

  /** Only tabs and line feeds below space; nothing YAML forbids or treats as a line break. */
  private static boolean allowed(char[] text, int n) {
    for (int i = 0; i < n; i++) {
      char c = text[i];
      if (c >= 0x20 && c < 0x7f) {
        continue;
      }
      if (c < 0x20) {
        if (c != '\n' && c != '\t') {
          return false;
        }
      } else if (c <= 0x9f || c == 0x2028 || c == 0x2029 || c == 0xfeff || c >= 0xfffe) {
        return false;
      } else if (Character.isHighSurrogate(c)) {
        if (i + 1 >= n || !Character.isLowSurrogate(text[i + 1])) {
          return false;
        }
        i++;
      } else if (Character.isLowSurrogate(c)) {
        return false;
      }
    }
    return true;
  }

  /** Where the line that {@code from} is on ends: its line feed, or -1 on the last line. */
  private int lineEnd(int from) {
    for (int i = from; i < n; i++) {
      if (s[i] == '\n') {
        return i;
      }
    }
    return -1;
  }

  private String text(int start, int end) {
    return new String(s, start, end - start);
  }

  private boolean startsWith(String prefix, int at) {
    if (at < 0 || at + prefix.length() > n) {
      return false;
    }
    for (int i = 0; i < prefix.length(); i++) {
      if (s[at + i] != prefix.charAt(i)) {
        return false;
      }
    }
    return true;
  }

  private void stream() {
    skipLines();
    while (indent >= 0) {
      boolean explicit = false;
      int documentLine = line;
      if (marker('.')) {
        throw GIVE_UP;
      }
      if (marker('-')) {
        explicit = true;
        pos += 3;
        endOfLine();
        nextLine();
      }
      handler.documentStart(documentLine);
      if (indent < 0 || marker('-') || marker('.')) {
        if (!explicit) {
          throw GIVE_UP;
        }
        handler.scalar("", true, line); // an empty document, as snakeyaml gives it
      } else {
        node(-1);
        if (indent >= 0 && !marker('-')) {
          throw GIVE_UP;
        }
      }
      handler.documentEnd();
    }
  }

  /** {@code ---} or {@code ...} at the start of the current line. */
  private boolean marker(char c) {
    return indent == 0 && pos + 2 < n && s[pos] == c && s[pos + 1] == c
        && s[pos + 2] == c && blank(pos + 3);
  }

  /** A space, a line feed or the end; a tab gives up. */
  private boolean blank(int i) {
    if (i >= n) {
      return true;
    }
    char c = s[i];
    if (c == '\t') {
      throw GIVE_UP;
    }
    return c == ' ' || c == '\n';
  }

  private boolean entry() {
    return s[pos] == '-' && blank(pos + 1);
  }

  private void skipSpaces() {
    while (pos < n && s[pos] == ' ') {
      pos++;
    }
  }

  /** Spaces and an optional comment up to the end of the line; anything else gives up. */
  private void endOfLine() {
    skipSpaces();
    if (pos >= n || s[pos] == '\n') {
      return;
    }
    if (s[pos] == '#' && (pos == lineStart || s[pos - 1] == ' ')) {
      int end = lineEnd(pos);
      pos = end < 0 ? n : end;
      return;
    }
    throw GIVE_UP;
  }

  /** From the end of a line to the first character of the next line with content. */
  private void nextLine() {
    if (pos < n) {
      pos++;
      line++;
      lineStart = pos;
    }
    skipLines();
  }

  /** From the start of a line, past blank and comment lines; sets {@link #indent}. */
  private void skipLines() {
    while (true) {
      skipSpaces();
      if (pos >= n) {
        indent = -1;
        return;
      }
      char c = s[pos];
      if (c == '\n') {
        pos++;
        line++;
        lineStart = pos;
      } else if (c == '#') {
        int end = lineEnd(pos);
        pos = end < 0 ? n : end;
      } else if (c == '\t') {
        throw GIVE_UP;
      } else {
        indent = pos - lineStart;
        return;
      }
    }
  }

  /** Any node starting at {@link #pos}, in a collection indented at {@code parent}. */
  private void node(int parent) {
    int column = pos - lineStart;
    if (entry()) {
      sequence(column);
    } else if (keyColon() >= 0) {
      mapping(column);
    } else {
      value(parent);
    }
  }

  /** Where the key starting at {@link #pos} ends with {@code ": "}, or -1 if it is no key. */
  private int keyColon() {
    char c = s[pos];
    if (c == '"' || c == '\'') {
      int end = quotedEnd();
      return end < n && s[end] == ':' && blank(end + 1) ? end : -1;
    }
    if (!plainStart(pos)) {
      return -1;
    }
    for (int i = pos + 1; i < n; i++) {
      char d = s[i];
      if (d == '\n') {
        return -1;
      }
      if (d == ':' && blank(i + 1)) {
        if (i - pos > 1000) {
          throw GIVE_UP; // longer than a simple key may be
        }
        return i;
      }
      if (d == '#' && s[i - 1] == ' ') {
        return -1;
      }
      if (d == '\t') {
        throw GIVE_UP;
      }
    }
    return -1;
  }

  /** Whether a plain scalar may start at {@code i} (in block context). */
  private boolean plainStart(int i) {
    char c = s[i];
    if (c == '-' || c == '?' || c == ':') {
      return i + 1 < n && s[i + 1] != ' ' && s[i + 1] != '\n'
          && s[i + 1] != '\t';
    }
    return c != ' ' && c != '\n' && c != '\t' && "?:,[]{}#&*!|>'\"%@`".indexOf(c) < 0;
  }

  private void enter() {
    if (++depth > maxDepth) {
      throw GIVE_UP;
    }
  }

  private void mapping(int column) {
    enter();
    handler.collectionStart(true, line);
    while (true) {
      int keyLine = line;
      char c = s[pos];
      if (c == '"' || c == '\'') {
        String key = quoted();
        if (pos >= n || s[pos] != ':' || !blank(pos + 1)) {
          throw GIVE_UP;
        }
        handler.scalar(key, false, keyLine);
      } else {
        int colon = keyColon();
        if (colon < 0) {
          throw GIVE_UP;
        }
        int end = colon;
        while (s[end - 1] == ' ') {
          end--;
        }
        String key = text(pos, end);
        if (key.equals("<<")) {
          throw GIVE_UP; // merge keys: snakeyaml's path handles them
        }
        handler.scalar(key, true, keyLine);
        pos = colon;
      }
      pos++;
      skipSpaces();
      if (restIsEmpty()) {
        endOfLine();
        nextLine();
        if (indent > column) {
          node(column);
        } else if (indent == column && entry()) {
          sequence(column);
        } else {
          handler.scalar("", true, keyLine);
        }
      } else {
        value(column);
      }
      if (!sameLevel(column)) {
        break;
      }
      if (entry()) {
        throw GIVE_UP;
      }
    }
    handler.collectionEnd();
    depth--;
  }

  /** Nothing but a comment after {@link #pos} on its line. */
  private boolean restIsEmpty() {
    return pos >= n || s[pos] == '\n' || s[pos] == '#';
  }

  /**
   * After an entry of a block collection at {@code column}: whether the next line goes on at the
   * same level (false when it is less indented, a document marker or the end; more indented is
   * something this reader does not take).
   */
  private boolean sameLevel(int column) {
    if (indent < column || marker('-') || marker('.')) {
      return false;
    }
    if (indent > column) {
      throw GIVE_UP;
    }
    return true;
  }

  private void sequence(int column) {
    enter();
    handler.collectionStart(false, line);
    while (true) {
      int itemLine = line;
      pos++;
      skipSpaces();
      if (restIsEmpty()) {
        endOfLine();
        nextLine();
        if (indent > column) {
          node(column);
        } else {
          handler.scalar("", true, itemLine);
        }
      } else {
        node(column);
      }
      if (!sameLevel(column) || !entry()) {
        break;
      }
    }
    handler.collectionEnd();
    depth--;
  }

  /** A scalar or flow collection at {@link #pos}, in a collection indented at {@code parent}. */
  private void value(int parent) {
    int valueLine = line;
    char c = s[pos];
    switch (c) {
      case '"', '\'' -> {
        String text = quoted();
        endOfLine();
        handler.scalar(text, false, valueLine);
        nextLine();
      }
      case '|', '>' -> blockScalar(parent, valueLine);
      case '[', '{' -> {
        flow(parent);
        endOfLine();
        nextLine();
      }
      default -> {
        if (!plainStart(pos)) {
          throw GIVE_UP;
        }
        handler.scalar(plain(parent + 1), true, valueLine);
        endOfLine();
        nextLine();
      }
    }
  }

  /**
   * A plain scalar in block context, which goes on over the following lines indented at least
   * {@code minIndent} (joined by a space, or by line feeds where blank lines are); ends before
   * the line break or comment after it.
   */
  private String plain(int minIndent) {
    String first = plainLine();
    StringBuilder more = null;
    while (pos < n && s[pos] == '\n') {
      int q = pos + 1;
      int start = q;
      int breaks = 0;
      while (true) {
        start = q;
        while (q < n && s[q] == ' ') {
          q++;
        }
        if (q < n && s[q] == '\t') {
          throw GIVE_UP;
        }
        if (q < n && s[q] == '\n') {
          breaks++;
          q++;
          continue;
        }
        break;
      }
      if (q >= n || s[q] == '#' || q - start < minIndent) {
        break; // the scalar ends at the line break
      }
      if (q == start && (startsWith("---", q) || startsWith("...", q))) {
        throw GIVE_UP;
      }
      if (more == null) {
        more = new StringBuilder(first);
      }
      more.append(breaks == 0 ? " " : "\n".repeat(breaks));
      line += 1 + breaks;
      lineStart = start;
      pos = q;
      more.append(plainLine());
    }
    return more == null ? first : more.toString();
  }

  /** The rest of a plain scalar's line, without trailing spaces or a comment. */
  private String plainLine() {
    int start = pos;
    int end = pos;
    while (pos < n) {
      char d = s[pos];
      if (d == '\n') {
        break;
      }
      if (d == ' ') {
        if (pos + 1 < n && s[pos + 1] == '#') {
          break;
        }
        pos++;
        continue;
      }
      if (d == '\t' || d == ':' && blank(pos + 1)) {
        throw GIVE_UP;
      }
      pos++;
      end = pos;
    }
    return text(start, end);
  }

  /** The index after the closing quote of the quoted scalar at {@link #pos} (on its line). */
  private int quotedEnd() {
    char quote = s[pos];
    for (int i = pos + 1; i < n; i++) {
      char c = s[i];
      if (c == '\n') {
        throw GIVE_UP;
      }
      if (quote == '"' && c == '\\') {
        if (i + 1 < n && s[i + 1] == '\n') {
          throw GIVE_UP;
        }
        i++;
      } else if (c == quote) {
        if (quote == '\'' && i + 1 < n && s[i + 1] == '\'') {
          i++;
        } else {
          return i + 1;
        }
      }
    }
    throw GIVE_UP;
  }

  /** The quoted scalar at {@link #pos}, which must end on its line; moves past it. */
  private String quoted() {
    char quote = s[pos];
    int start = pos + 1;
    StringBuilder b = null;
    int i = start;
    int copied = start;
    while (true) {
      if (i >= n) {
        throw GIVE_UP;
      }
      char c = s[i];
      if (c == '\n') {
        throw GIVE_UP;
      }
      if (c == quote) {
        if (quote == '\'' && i + 1 < n && s[i + 1] == '\'') {
          if (b == null) {
            b = new StringBuilder();
          }
          b.append(s, copied, i + 1 - copied);
          i += 2;
          copied = i;
          continue;
        }
        break;
      }
      if (quote == '"' && c == '\\') {
        if (b == null) {
          b = new StringBuilder();
        }
        b.append(s, copied, i - copied);
        i = escape(i + 1, b);
        copied = i;
        continue;
      }
      i++;
    }
    pos = i + 1;
    if (b == null) {
      return text(start, i);
    }
    return b.append(s, copied, i - copied).toString();
  }

  /** Appends the escape after a backslash; returns the index after it. */
  private int escape(int i, StringBuilder b) {
    if (i >= n) {
      throw GIVE_UP;
    }
    char e = s[i];
    int digits;
    switch (e) {
      case '0' -> b.append('\0');
      case 'a' -> b.append('\u0007');
      case 'b' -> b.append('\b');
      case 't', '\t' -> b.append('\t');
      case 'n' -> b.append('\n');
      case 'v' -> b.append('\u000b');
      case 'f' -> b.append('\f');
      case 'r' -> b.append('\r');
      case 'e' -> b.append('\u001b');
      case ' ' -> b.append(' ');
      case '"' -> b.append('"');
      case '/' -> b.append('/');
      case '\\' -> b.append('\\');
      case 'N' -> b.append('\u0085');
      case '_' -> b.append('\u00a0');
      case 'L' -> b.append('\u2028');
      case 'P' -> b.append('\u2029');
      default -> {
        digits = e == 'x' ? 2 : e == 'u' ? 4 : e == 'U' ? 8 : 0;
        if (digits == 0 || i + digits >= n) {
          throw GIVE_UP;
        }
        int code = 0;
        for (int k = 1; k <= digits; k++) {
          int d = Character.digit(s[i + k], 16);
          if (d < 0) {
            throw GIVE_UP;
          }
          code = code * 16 + d;
        }
        if (code < 0 || !Character.isValidCodePoint(code)
            || code >= Character.MIN_SURROGATE && code <= Character.MAX_SURROGATE) {
          throw GIVE_UP;
        }
        b.appendCodePoint(code);
        return i + digits + 1;
      }
    }
    return i + 1;
  }

  /**
   * A literal ({@code |}) or folded ({@code >}) block scalar, read line by line the way
   * snakeyaml reads it, so that indentation, folding and chomping come out the same.
   */
  private void blockScalar(int parent, int valueLine) {
    boolean folded = s[pos] == '>';
    pos++;
    int chomp = 0; // -1 strip, 0 clip, 1 keep
    if (pos < n && (s[pos] == '-' || s[pos] == '+')) {
      chomp = s[pos] == '-' ? -1 : 1;
      pos++;
    }
    if (pos < n && s[pos] >= '0' && s[pos] <= '9') {
      throw GIVE_UP; // an explicit indentation indicator
    }
    endOfLine();
    if (pos >= n) {
      throw GIVE_UP;
    }
    pos++;
    line++;
    lineStart = pos;
    int minIndent = Math.max(parent + 1, 1);
    StringBuilder leading = new StringBuilder();
    int maxIndent = 0;
    while (pos < n && (s[pos] == ' ' || s[pos] == '\n')) {
      if (s[pos] == '\n') {
        leading.append('\n');
        pos++;
        line++;
        lineStart = pos;
      } else {
        pos++;
        maxIndent = Math.max(maxIndent, pos - lineStart);
      }
    }
    int contentIndent = Math.max(minIndent, maxIndent);
    String breaks = leading.toString();
    StringBuilder chunks = new StringBuilder();
    String lineBreak = "";
    while (pos < n && pos - lineStart == contentIndent) {
      chunks.append(breaks);
      char first = s[pos];
      boolean leadingNonSpace = first != ' ' && first != '\t';
      int end = lineEnd(pos);
      if (end < 0) {
        end = n;
      }
      chunks.append(s, pos, end - pos);
      pos = end;
      if (pos < n) {
        lineBreak = "\n";
        pos++;
        line++;
        lineStart = pos;
      } else {
        lineBreak = "";
      }
      StringBuilder more = new StringBuilder();
      while (pos < n && pos - lineStart < contentIndent && s[pos] == ' ') {
        pos++;
      }
      while (pos < n && s[pos] == '\n') {
        more.append('\n');
        pos++;
        line++;
        lineStart = pos;
        while (pos < n && pos - lineStart < contentIndent && s[pos] == ' ') {
          pos++;
        }
      }
      breaks = more.toString();
      if (pos < n && pos - lineStart == contentIndent) {
        char next = s[pos];
        if (folded && lineBreak.equals("\n") && leadingNonSpace && next != ' ' && next != '\t') {
          if (breaks.isEmpty()) {
            chunks.append(' ');
          }
        } else {
          chunks.append(lineBreak);
        }
      } else {
        break;
      }
    }
    if (chomp >= 0) {
      chunks.append(lineBreak);
    }
    if (chomp > 0) {
      chunks.append(breaks);
    }
    handler.scalar(chunks.toString(), false, valueLine);
    // What ends the scalar is the next token, a comment or the end.
    if (pos >= n) {
      indent = -1;
      return;
    }
    char c = s[pos];
    if (c == '#') {
      endOfLine();
      nextLine();
    } else if (c == '\t') {
      throw GIVE_UP;
    } else {
      indent = pos - lineStart;
    }
  }

  /**
   * A flow collection. It may go on over several lines, broken between its items, each line
   * indented more than the block collection around it ({@code parent}).
   */
  private void flow(int parent) {
    enter();
    boolean mapping = s[pos] == '{';
    char close = mapping ? '}' : ']';
    handler.collectionStart(mapping, line);
    pos++;
    flowSpace(parent);
    if (s[pos] == close) {
      pos++;
    } else {
      while (true) {
        if (mapping) {
          flowItem(true, parent);
          if (pos >= n || s[pos] != ':' || !blank(pos + 1)) {
            throw GIVE_UP;
          }
          pos++;
          flowSpace(parent);
        }
        flowItem(false, parent);
        flowSpace(parent);
        char c = s[pos];
        if (c == ',') {
          pos++;
          flowSpace(parent);
          if (s[pos] == close) {
            throw GIVE_UP;
          }
        } else if (c == close) {
          pos++;
          break;
        } else {
          throw GIVE_UP;
        }
      }
    }
    handler.collectionEnd();
    depth--;
  }

  /** Spaces, comments and line breaks between the tokens of a flow collection. */
  private void flowSpace(int parent) {
    while (true) {
      skipSpaces();
      if (pos >= n) {
        throw GIVE_UP;
      }
      char c = s[pos];
      if (c == '#' && (pos == lineStart || s[pos - 1] == ' ')) {
        pos = lineEnd(pos);
        if (pos < 0) {
          throw GIVE_UP;
        }
        c = '\n';
      }
      if (c == '\t') {
        throw GIVE_UP;
      }
      if (c != '\n') {
        return;
      }
      pos++;
      line++;
      lineStart = pos;
      skipSpaces();
      if (pos < n && s[pos] != '\n' && s[pos] != '#'
          && (pos - lineStart <= parent || pos == lineStart
              && (startsWith("---", pos) || startsWith("...", pos)))) {
        throw GIVE_UP;
      }
    }
  }

  /** A scalar or nested flow collection inside a flow collection; a key may not be nested. */
  private void flowItem(boolean key, int parent) {
    char c = s[pos];
    if (c == '[' || c == '{') {
      if (key) {
        throw GIVE_UP;
      }
      flow(parent);
      return;
    }
    if (c == '"' || c == '\'') {
      int at = line;
      handler.scalar(quoted(), false, at);
      return;
    }
    if (c == '-' ? pos + 1 >= n || ",[]{} \n\t".indexOf(s[pos + 1]) >= 0
        : !plainStart(pos) || c == '?' || c == ':') {
      throw GIVE_UP;
    }
    int start = pos;
    int end = pos;
    while (pos < n) {
      char d = s[pos];
      if (",[]{}\n".indexOf(d) >= 0) {
        break;
      }
      if (d == ':' && (pos + 1 >= n || ", \n[]{}".indexOf(s[pos + 1]) >= 0)) {
        break;
      }
      if (d == '\t' || d == '?' || d == ' ' && pos + 1 < n && s[pos + 1] == '#') {
        throw GIVE_UP;
      }
      pos++;
      if (d != ' ') {
        end = pos;
      }
    }
    handler.scalar(text(start, end), true, line);
  }
}
