package dev.plumbline.resource;

import java.io.FilterReader;
import java.io.IOException;
import java.io.Reader;

/**
 * The text of a manifest as the parsers should see it.
 *
 * <p>It counts lines, so that a file that turns out not to be text (bytes that are not valid in
 * its charset, a control character) is reported with the line where it stops being text rather
 * than with a parser's character offset. The decoder underneath replaces invalid bytes with
 * {@link #INVALID}, a noncharacter that YAML does not allow either.
 *
 * <p>It also drops a byte order mark (U+FEFF) at the start of a line. Files joined with
 * {@code cat} carry one at the start of a later document, where YAML allows it and kubectl
 * accepts it; left in, it would become part of the first key, and the document (a privileged pod,
 * say) would be skipped as "not a Kubernetes object".
 */
final class TextReader extends FilterReader {
  /** The input is not text; {@link #line} is where it stops being text. */
  static final class NotTextException extends IOException {
    private static final long serialVersionUID = 1L;
    final int line;

    NotTextException(int line, String message) {
      super(message);
      this.line = line;
    }
  }

  /** What the decoder underneath puts in place of bytes that are not valid in its charset. */
  static final String INVALID = "\uFFFF";

  private static final char BOM = '\uFEFF';

  private final String charset;
  private int line = 1;
  private boolean lineStart = true;
  private boolean afterCr;

  /** {@code charset} names the encoding in messages. */
  TextReader(Reader in, String charset) {
    super(in);
    this.charset = charset;
  }

  @Override
  public int read() throws IOException {
    char[] one = new char[1];
    int n;
    do {
      n = read(one, 0, 1);
    } while (n == 0);
    return n < 0 ? -1 : one[0];
  }

  @Override
  public int read(char[] buffer, int offset, int length) throws IOException {
    if (length == 0) {
      return 0;
    }
    int kept;
    do {
      int n = in.read(buffer, offset, length);
      if (n < 0) {
        return -1;
      }
      kept = 0;
      for (int i = offset; i < offset + n; i++) {
        char c = buffer[i];
        if (c == BOM && lineStart) {
          continue;
        }
        if (c == INVALID.charAt(0)) {
          throw new NotTextException(line,
              "not valid " + charset + " text (binary file?), not a manifest");
        }
        if (c < 0x20 && c != '\t' && c != '\n' && c != '\r') {
          throw new NotTextException(line, String.format(
              "control character U+%04X (binary file?), not a manifest", (int) c));
        }
        if (c == '\r' || (c == '\n' && !afterCr)) {
          line++;
        }
        afterCr = c == '\r';
        lineStart = c == '\n' || c == '\r';
        buffer[offset + kept++] = c;
      }
    } while (kept == 0);
    return kept;
  }

  @Override
  public long skip(long n) throws IOException {
    long skipped = 0;
    char[] scratch = new char[(int) Math.min(n, 8192)];
    while (skipped < n) {
      int r = read(scratch, 0, (int) Math.min(n - skipped, scratch.length));
      if (r < 0) {
        break;
      }
      skipped += r;
    }
    return skipped;
  }

  @Override
  public boolean markSupported() {
    return false;
  }
}
