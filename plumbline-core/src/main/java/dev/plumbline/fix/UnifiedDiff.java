package dev.plumbline.fix;

import java.util.ArrayList;
import java.util.List;

/**
 * A unified diff of two texts ({@code --- a/FILE}, {@code +++ b/FILE}, hunks with three lines of
 * context), the form {@code git apply} and {@code patch -p1} read. Lines keep their own line
 * breaks, so a changed line ending shows; a last line without one is followed by
 * {@code \ No newline at end of file}. The line diff is Myers' O(ND) algorithm, whose memory
 * grows with the square of the number of differences, not with the file.
 */
public final class UnifiedDiff {
  private static final int CONTEXT = 3;

  private enum Op { KEEP, DELETE, INSERT }

  private UnifiedDiff() {}

  /** The diff, empty when the texts are equal. */
  public static String of(String file, String before, String after) {
    if (before.equals(after)) {
      return "";
    }
    List<String> a = lines(before);
    List<String> b = lines(after);
    List<Op> script = script(a, b);
    StringBuilder out = new StringBuilder();
    out.append("--- a/").append(file).append('\n');
    out.append("+++ b/").append(file).append('\n');
    // positions in a and b at each script step
    int n = script.size();
    int[] ai = new int[n + 1];
    int[] bi = new int[n + 1];
    for (int i = 0; i < n; i++) {
      ai[i + 1] = ai[i] + (script.get(i) != Op.INSERT ? 1 : 0);
      bi[i + 1] = bi[i] + (script.get(i) != Op.DELETE ? 1 : 0);
    }
    int i = 0;
    while (i < n) {
      if (script.get(i) == Op.KEEP) {
        i++;
        continue;
      }
      int start = Math.max(0, i - CONTEXT);
      int end = i;
      // extend while changes are within 2 * CONTEXT of each other
      int lastChange = i;
      while (end < n) {
        if (script.get(end) != Op.KEEP) {
          lastChange = end;
        } else if (end - lastChange > 2 * CONTEXT) {
          break;
        }
        end++;
      }
      end = Math.min(n, lastChange + 1 + CONTEXT);
      int aCount = ai[end] - ai[start];
      int bCount = bi[end] - bi[start];
      out.append("@@ -").append(range(ai[start], aCount)).append(" +")
          .append(range(bi[start], bCount)).append(" @@\n");
      for (int k = start; k < end; k++) {
        Op op = script.get(k);
        String line = op == Op.INSERT ? b.get(bi[k]) : a.get(ai[k]);
        out.append(op == Op.KEEP ? ' ' : op == Op.DELETE ? '-' : '+').append(line);
        if (!line.endsWith("\n")) {
          out.append("\n\\ No newline at end of file\n");
        }
      }
      i = end;
    }
    return out.toString();
  }

  private static String range(int start, int count) {
    if (count == 0) {
      return start + ",0";
    }
    return count == 1 ? Integer.toString(start + 1) : (start + 1) + "," + count;
  }

  /** The lines of a text, each with its line break. */
  static List<String> lines(String text) {
    List<String> lines = new ArrayList<>();
    int at = 0;
    while (at < text.length()) {
      int lf = text.indexOf('\n', at);
      int end = lf < 0 ? text.length() : lf + 1;
      lines.add(text.substring(at, end));
      at = end;
    }
    return lines;
  }

  /** The shortest edit script from a to b. */
  private static List<Op> script(List<String> a, List<String> b) {
    int prefix = 0;
    while (prefix < a.size() && prefix < b.size() && a.get(prefix).equals(b.get(prefix))) {
      prefix++;
    }
    int suffix = 0;
    while (suffix < a.size() - prefix && suffix < b.size() - prefix
        && a.get(a.size() - 1 - suffix).equals(b.get(b.size() - 1 - suffix))) {
      suffix++;
    }
    List<String> x = a.subList(prefix, a.size() - suffix);
    List<String> y = b.subList(prefix, b.size() - suffix);
    List<Op> ops = new ArrayList<>();
    for (int i = 0; i < prefix; i++) {
      ops.add(Op.KEEP);
    }
    ops.addAll(myers(x, y));
    for (int i = 0; i < suffix; i++) {
      ops.add(Op.KEEP);
    }
    return ops;
  }

  private static List<Op> myers(List<String> x, List<String> y) {
    int n = x.size();
    int m = y.size();
    int max = n + m;
    int offset = max + 1;
    int[] v = new int[2 * max + 3];
    List<int[]> trace = new ArrayList<>();
    int found = -1;
    for (int d = 0; d <= max && found < 0; d++) {
      for (int k = -d; k <= d; k += 2) {
        int px;
        if (k == -d || (k != d && v[offset + k - 1] < v[offset + k + 1])) {
          px = v[offset + k + 1];
        } else {
          px = v[offset + k - 1] + 1;
        }
        int py = px - k;
        while (px < n && py < m && x.get(px).equals(y.get(py))) {
          px++;
          py++;
        }
        v[offset + k] = px;
        if (px >= n && py >= m) {
          found = d;
          break;
        }
      }
      // V over k in [-d, d] after step d
      int[] snapshot = new int[2 * d + 1];
      System.arraycopy(v, offset - d, snapshot, 0, 2 * d + 1);
      trace.add(snapshot);
    }
    List<Op> reversed = new ArrayList<>();
    int px = n;
    int py = m;
    for (int d = found; d > 0; d--) {
      int[] prev = trace.get(d - 1);
      int k = px - py;
      int prevK;
      if (k == -d || (k != d && get(prev, d - 1, k - 1) < get(prev, d - 1, k + 1))) {
        prevK = k + 1;
      } else {
        prevK = k - 1;
      }
      int prevX = get(prev, d - 1, prevK);
      int prevY = prevX - prevK;
      while (px > prevX && py > prevY) {
        reversed.add(Op.KEEP);
        px--;
        py--;
      }
      reversed.add(px == prevX ? Op.INSERT : Op.DELETE);
      px = prevX;
      py = prevY;
    }
    while (px > 0 && py > 0) {
      reversed.add(Op.KEEP);
      px--;
      py--;
    }
    List<Op> ops = new ArrayList<>(reversed.size());
    for (int i = reversed.size() - 1; i >= 0; i--) {
      ops.add(reversed.get(i));
    }
    return ops;
  }

  private static int get(int[] snapshot, int d, int k) {
    int at = k + d;
    return at < 0 || at >= snapshot.length ? -1 : snapshot[at];
  }
}
