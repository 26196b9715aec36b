package dev.plumbline.resource;

import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.ArrayList;
import java.util.ConcurrentModificationException;
import java.util.HashMap;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Set;

/**
 * The maps and lists of parsed documents carry the source line of each of their entries, in
 * iteration order, so that any field can be traced to its line without a side table. To every
 * reader they are ordinary, mutable, insertion-ordered {@link java.util.Map}s and
 * {@link ArrayList}s.
 */
interface Lined {
  int[] lines();

  void lines(int[] lines);

  /**
   * A mapping with the line of each entry. Keys and values sit in two arrays in insertion order:
   * a scan holds every object of a large cluster at once, and Kubernetes objects are made of many
   * small maps, for which a hash table costs several times the memory (and the garbage collector
   * the time) of the entries themselves. Maps that grow large get a hash index on the side.
   */
  final class Map extends AbstractMap<String, Object> implements Lined {
    private static final int INDEXED = 16;
    private static final String[] NO_KEYS = {};
    private static final Object[] NO_VALUES = {};

    private String[] keys = NO_KEYS;
    private Object[] values = NO_VALUES;
    private int size;
    private int[] lines;
    /** Positions by key, only for maps of more than {@link #INDEXED} entries. */
    private HashMap<String, Integer> index;
    private int modifications;

    Map() {}

    @Override
    public int[] lines() {
      return lines;
    }

    @Override
    public void lines(int[] lines) {
      this.lines = lines;
    }

    private int find(Object key) {
      if (!(key instanceof String)) {
        return -1;
      }
      if (index != null) {
        Integer at = index.get(key);
        return at == null ? -1 : at;
      }
      for (int i = 0; i < size; i++) {
        if (keys[i] == key) {
          return i;
        }
      }
      for (int i = 0; i < size; i++) {
        if (keys[i].equals(key)) {
          return i;
        }
      }
      return -1;
    }

    @Override
    public int size() {
      return size;
    }

    @Override
    public boolean containsKey(Object key) {
      return find(key) >= 0;
    }

    @Override
    public Object get(Object key) {
      int at = find(key);
      return at < 0 ? null : values[at];
    }

    @Override
    public Object put(String key, Object value) {
      Objects.requireNonNull(key, "key");
      int at = find(key);
      if (at >= 0) {
        Object previous = values[at];
        values[at] = value;
        return previous;
      }
      if (size == keys.length) {
        int capacity = size == 0 ? 4 : size * 2;
        keys = java.util.Arrays.copyOf(keys, capacity);
        values = java.util.Arrays.copyOf(values, capacity);
      }
      keys[size] = key;
      values[size] = value;
      if (index != null) {
        index.put(key, size);
      } else if (size + 1 > INDEXED) {
        index = new HashMap<>();
        for (int i = 0; i <= size; i++) {
          index.put(keys[i], i);
        }
      }
      size++;
      modifications++;
      return null;
    }

    @Override
    public Object remove(Object key) {
      int at = find(key);
      if (at < 0) {
        return null;
      }
      Object previous = values[at];
      removeAt(at);
      return previous;
    }

    private void removeAt(int at) {
      System.arraycopy(keys, at + 1, keys, at, size - at - 1);
      System.arraycopy(values, at + 1, values, at, size - at - 1);
      size--;
      keys[size] = null;
      values[size] = null;
      if (index != null) {
        index.clear();
        for (int i = 0; i < size; i++) {
          index.put(keys[i], i);
        }
      }
      modifications++;
    }

    @Override
    public void clear() {
      java.util.Arrays.fill(keys, 0, size, null);
      java.util.Arrays.fill(values, 0, size, null);
      size = 0;
      index = null;
      modifications++;
    }

    /** The values in order, read from the array (no entry per value, unlike the default). */
    @Override
    public java.util.Collection<Object> values() {
      return new java.util.AbstractCollection<>() {
        @Override
        public int size() {
          return size;
        }

        @Override
        public Iterator<Object> iterator() {
          return new Iterator<>() {
            int next;
            final int expected = modifications;

            @Override
            public boolean hasNext() {
              return next < size;
            }

            @Override
            public Object next() {
              if (expected != modifications) {
                throw new ConcurrentModificationException();
              }
              if (next >= size) {
                throw new NoSuchElementException();
              }
              return values[next++];
            }
          };
        }
      };
    }

    @Override
    public Set<Entry<String, Object>> entrySet() {
      return new AbstractSet<>() {
        @Override
        public int size() {
          return size;
        }

        @Override
        public Iterator<Entry<String, Object>> iterator() {
          return new Iterator<>() {
            int next;
            int last = -1;
            int expected = modifications;

            @Override
            public boolean hasNext() {
              return next < size;
            }

            @Override
            public Entry<String, Object> next() {
              if (expected != modifications) {
                throw new ConcurrentModificationException();
              }
              if (next >= size) {
                throw new NoSuchElementException();
              }
              last = next++;
              return new Entry<>() {
                final int at = last;

                @Override
                public String getKey() {
                  return keys[at];
                }

                @Override
                public Object getValue() {
                  return values[at];
                }

                @Override
                public Object setValue(Object value) {
                  Object previous = values[at];
                  values[at] = value;
                  return previous;
                }

                @Override
                public boolean equals(Object o) {
                  return o instanceof Entry<?, ?> e && keys[at].equals(e.getKey())
                      && Objects.equals(values[at], e.getValue());
                }

                @Override
                public int hashCode() {
                  return keys[at].hashCode() ^ Objects.hashCode(values[at]);
                }

                @Override
                public String toString() {
                  return keys[at] + "=" + values[at];
                }
              };
            }

            @Override
            public void remove() {
              if (last < 0) {
                throw new IllegalStateException();
              }
              if (expected != modifications) {
                throw new ConcurrentModificationException();
              }
              removeAt(last);
              next = last;
              last = -1;
              expected = modifications;
            }
          };
        }
      };
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
