package dev.plumbline.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/** A plain text table with aligned columns; the last column is never padded. */
final class Tables {
  private final List<String[]> rows = new ArrayList<>();

  Tables(String... header) {
    rows.add(header);
  }

  Tables row(String... cells) {
    rows.add(cells);
    return this;
  }

  void print(PrintWriter out) {
    int columns = rows.get(0).length;
    int[] widths = new int[columns];
    for (String[] row : rows) {
      for (int i = 0; i < columns - 1; i++) {
        widths[i] = Math.max(widths[i], row[i].length());
      }
    }
    for (String[] row : rows) {
      StringBuilder sb = new StringBuilder();
      for (int i = 0; i < columns; i++) {
        sb.append(row[i]);
        if (i < columns - 1) {
          sb.append(" ".repeat(widths[i] - row[i].length() + 2));
        }
      }
      out.println(sb.toString().stripTrailing());
    }
  }
}
