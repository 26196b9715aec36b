package dev.plumbline.fix;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class UnifiedDiffTest {
  @Test
  void showsAnInsertedLineWithThreeLinesOfContext() {
    String before = "a\nb\nc\nd\ne\nf\ng\n";
    String after = "a\nb\nc\nd\nnew\ne\nf\ng\n";
    assertThat(UnifiedDiff.of("x.yaml", before, after)).isEqualTo("""
        --- a/x.yaml
        +++ b/x.yaml
        @@ -2,6 +2,7 @@
         b
         c
         d
        +new
         e
         f
         g
        """);
  }

  @Test
  void marksALastLineWithoutLineBreak() {
    assertThat(UnifiedDiff.of("x", "a: 1", "a: 2")).isEqualTo("""
        --- a/x
        +++ b/x
        @@ -1 +1 @@
        -a: 1
        \\ No newline at end of file
        +a: 2
        \\ No newline at end of file
        """);
  }

  @Test
  void equalTextsGiveNoDiff() {
    assertThat(UnifiedDiff.of("x", "a\n", "a\n")).isEmpty();
  }

  @Test
  void farApartChangesGiveTwoHunksThatApplyBack() {
    StringBuilder a = new StringBuilder();
    for (int i = 0; i < 40; i++) {
      a.append("line ").append(i).append('\n');
    }
    String before = a.toString();
    String after = before.replace("line 2\n", "line 2\ninserted\n").replace("line 30\n", "");
    String diff = UnifiedDiff.of("f", before, after);
    assertThat(diff.lines().filter(l -> l.startsWith("@@")).count()).isEqualTo(2);
    assertThat(apply(before, diff)).isEqualTo(after);
  }

  @Test
  void randomEditsApplyBack() {
    Random random = new Random(42);
    for (int round = 0; round < 200; round++) {
      List<String> lines = new ArrayList<>();
      for (int i = 0; i < random.nextInt(30); i++) {
        lines.add("l" + random.nextInt(6) + "\n");
      }
      String before = String.join("", lines);
      for (int e = 0; e < 1 + random.nextInt(4); e++) {
        int at = lines.isEmpty() ? 0 : random.nextInt(lines.size());
        if (random.nextBoolean() || lines.isEmpty()) {
          lines.add(at, "n" + random.nextInt(3) + "\n");
        } else {
          lines.remove(at);
        }
      }
      String after = String.join("", lines);
      assertThat(apply(before, UnifiedDiff.of("f", before, after))).as(before + "->" + after)
          .isEqualTo(after);
    }
  }

  /** Applies a unified diff made by UnifiedDiff (lines all end with a break here). */
  private static String apply(String before, String diff) {
    List<String> old = UnifiedDiff.lines(before);
    List<String> out = new ArrayList<>();
    int next = 0;
    for (String line : UnifiedDiff.lines(diff)) {
      if (line.startsWith("---") || line.startsWith("+++")) {
        continue;
      }
      if (line.startsWith("@@")) {
        String range = line.substring(4, line.indexOf(' ', 4));
        int start = Integer.parseInt(range.split(",")[0]);
        int count = range.contains(",") ? Integer.parseInt(range.split(",")[1]) : 1;
        int from = count == 0 ? start : start - 1;
        while (next < from) {
          out.add(old.get(next++));
        }
      } else if (line.startsWith(" ")) {
        out.add(old.get(next++));
      } else if (line.startsWith("-")) {
        next++;
      } else if (line.startsWith("+")) {
        out.add(line.substring(1));
      }
    }
    while (next < old.size()) {
      out.add(old.get(next++));
    }
    return String.join("", out);
  }
}
