package dev.plumbline.resource;

import java.util.ArrayList;
import java.util.LinkedHashMap;

/**
 * The maps and lists of parsed documents carry the source line of each of their entries, in
 * iteration order, so that any field can be traced to its line without a side table. They are
 * ordinary {@link LinkedHashMap}s and {@link ArrayList}s to every reader.
 */
interface Lined {
  int[] lines();

  void lines(int[] lines);

  /** A mapping with the line of each entry. */
  final class Map extends LinkedHashMap<String, Object> implements Lined {
    private static final long serialVersionUID = 1L;
    private int[] lines;

    Map() {
      super(8);
    }

    @Override
    public int[] lines() {
      return lines;
    }

    @Override
    public void lines(int[] lines) {
      this.lines = lines;
    }
  }

  /** A sequence with the line of each item. */
  final class List extends ArrayList<Object> implements Lined {
    private static final long serialVersionUID = 1L;
    private int[] lines;

    List() {
      super(4);
    }

    @Override
    public int[] lines() {
      return lines;
    }

    @Override
    public void lines(int[] lines) {
      this.lines = lines;
    }
  }
}
