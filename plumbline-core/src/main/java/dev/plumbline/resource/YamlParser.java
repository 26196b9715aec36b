package dev.plumbline.resource;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.api.lowlevel.Parse;
import org.snakeyaml.engine.v2.common.Anchor;
import org.snakeyaml.engine.v2.events.AliasEvent;
import org.snakeyaml.engine.v2.events.CollectionStartEvent;
import org.snakeyaml.engine.v2.events.Event;
import org.snakeyaml.engine.v2.events.ScalarEvent;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.exceptions.ReaderException;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.ObjectReadContext;
import tools.jackson.core.StreamReadConstraints;
import tools.jackson.core.exc.JacksonIOException;
import tools.jackson.core.json.JsonFactory;

/**
 * Turns a YAML (or JSON) stream into plain Java values, one document at a time, with the line of
 * every entry.
 *
 * <p>It works on parser events rather than on a node tree, so memory stays proportional to one
 * document, and it enforces the limits a hostile file needs: alias expansion (the "billion laughs"
 * bomb), nesting depth and alias count. Values are {@code Map<String,Object>},
 * {@code List<Object>}, {@link String}, {@link Long}, {@link Double}, {@link Boolean} and null,
 * resolved as Kubernetes resolves them (see {@link Scalars}).
 */
final class YamlParser {
  /** Limits that bound the work one document may cause. */
  record Limits(int maxDepth, int maxAliases, long maxAliasNodes) {
    static final Limits DEFAULT = new Limits(512, 10_000, 200_000);
  }

  /** A parsed document: its index in the stream (0-based), first line, value and line index. */
  record Document(int index, int line, Object root, LineIndex lines) {}

  /** Receives documents and problems in stream order. */
  interface Sink {
    void document(Document document);

    /**
     * A problem. {@code fatal} problems end the stream (the parser cannot resynchronise after a
     * syntax error); others concern one document, which is then either kept (duplicate keys) or
     * dropped (limits).
     */
    void problem(int documentIndex, int line, String message, boolean fatal);
  }

  private static final String MERGE = "<<";
  /** Longer streams are not held whole for {@link PlainYaml} (characters). */
  private static final int PLAIN_LIMIT = 32 << 20;
  /** {@code -Dplumbline.yaml.snakeyaml=true} reads everything with snakeyaml (diagnosis). */
  private static final boolean SNAKEYAML_ONLY = Boolean.getBoolean("plumbline.yaml.snakeyaml");

  private final Limits limits;
  /**
   * Keys and short values repeat across the documents of a file ("name", "image", "apps/v1",
   * "IfNotPresent"): sharing one String for each keeps a large scan's memory down.
   */
  private final Map<String, String> strings = new HashMap<>();

  YamlParser(Limits limits) {
    this.limits = limits;
  }

  private String share(String s) {
    if (s.length() > 32) {
      return s;
    }
    String shared = strings.putIfAbsent(s, s);
    if (shared != null) {
      return shared;
    }
    if (strings.size() > 100_000) {
      strings.clear();
    }
    return s;
  }

  /**
   * Reads a YAML stream. Most streams are read whole and given to {@link PlainYaml}, several
   * times faster than snakeyaml; what it does not take (and streams over {@value #PLAIN_LIMIT}
   * characters, which are read as they arrive) is read by snakeyaml-engine.
   */
  void parse(Reader reader, Sink sink) {
    if (SNAKEYAML_ONLY) {
      parseGeneral(reader, sink);
      return;
    }
    char[] buffer = new char[65536];
    int length = 0;
    try {
      while (true) {
        if (length == buffer.length) {
          if (length >= PLAIN_LIMIT) {
            parseGeneral(new Joined(new String(buffer, 0, length), reader), sink);
            return;
          }
          buffer = java.util.Arrays.copyOf(buffer, Math.min(length * 2, PLAIN_LIMIT));
        }
        int read = reader.read(buffer, length, buffer.length - length);
        if (read < 0) {
          break;
        }
        length += read;
      }
    } catch (IOException e) {
      // What came before the failure is read as it always was, then the failure is reported.
      parseGeneral(new Joined(new String(buffer, 0, length), new Failing(e)), sink);
      return;
    }
    if (!plain(buffer, length, sink)) {
      parseGeneral(new java.io.StringReader(new String(buffer, 0, length)), sink);
    }
  }

  /** Reads a YAML stream held in a string (see {@link #parse(Reader, Sink)}). */
  void parse(String text, Sink sink) {
    if (SNAKEYAML_ONLY || !plain(text.toCharArray(), text.length(), sink)) {
      parseGeneral(new java.io.StringReader(text), sink);
    }
  }

  /**
   * Reads a stream with {@link PlainYaml}; false when it gave up, and then nothing has reached
   * {@code sink}.
   */
  private boolean plain(char[] text, int length, Sink sink) {
    List<Runnable> given = new ArrayList<>();
    Sink recorder = new Sink() {
      @Override
      public void document(Document document) {
        given.add(() -> sink.document(document));
      }

      @Override
      public void problem(int documentIndex, int line, String message, boolean fatal) {
        given.add(() -> sink.problem(documentIndex, line, message, fatal));
      }
    };
    if (PlainYaml.parse(text, length, new PlainEvents(recorder), limits.maxDepth())) {
      given.forEach(Runnable::run);
      return true;
    }
    return false;
  }

  /** Drives the document builder from {@link PlainYaml}'s events as from snakeyaml's. */
  private final class PlainEvents implements PlainYaml.Handler {
    private final Sink sink;
    private int documentIndex = -1;
    private DocumentBuilder builder;

    PlainEvents(Sink sink) {
      this.sink = sink;
    }

    @Override
    public void documentStart(int line) {
      builder = new DocumentBuilder(++documentIndex, line);
    }

    @Override
    public void documentEnd() {
      builder.finish(sink);
      builder = null;
    }

    @Override
    public void collectionStart(boolean mapping, int line) {
      build(() -> builder.open(mapping, null, line));
    }

    @Override
    public void collectionEnd() {
      build(() -> builder.close(sink));
    }

    @Override
    public void scalar(String text, boolean plain, int line) {
      build(() -> builder.scalar(text, plain, null, null, line, sink));
    }

    /** As the snakeyaml loop does: a document over a limit is dropped, with its problem. */
    private void build(Runnable step) {
      if (!builder.failed) {
        try {
          step.run();
        } catch (LimitException e) {
          builder.failed = true;
          sink.problem(documentIndex, e.line, e.getMessage(), false);
        }
      }
    }
  }

  /** One reader after another. */
  private static final class Joined extends Reader {
    private Reader first;
    private final Reader second;

    Joined(String first, Reader second) {
      this.first = new java.io.StringReader(first);
      this.second = second;
    }

    @Override
    public int read(char[] buffer, int offset, int length) throws IOException {
      if (first != null) {
        int read = first.read(buffer, offset, length);
        if (read >= 0) {
          return read;
        }
        first = null;
      }
      return second.read(buffer, offset, length);
    }

    @Override
    public void close() throws IOException {
      second.close();
    }
  }

  /** A reader that fails as the original one did. */
  private static final class Failing extends Reader {
    private final IOException failure;

    Failing(IOException failure) {
      this.failure = failure;
    }

    @Override
    public int read(char[] buffer, int offset, int length) throws IOException {
      throw failure;
    }

    @Override
    public void close() {}
  }

  /** Reads any YAML stream with snakeyaml-engine, as it arrives. */
  private void parseGeneral(Reader reader, Sink sink) {
    LoadSettings settings =
        LoadSettings.builder().setCodePointLimit(Integer.MAX_VALUE).setUseMarks(true).build();
    Iterator<Event> events = new Parse(settings).parseReader(reader).iterator();
    int documentIndex = -1;
    int depth = 0;
    DocumentBuilder builder = null;
    try {
      while (events.hasNext()) {
        Event event = events.next();
        switch (event.getEventId()) {
          case DocumentStart -> {
            documentIndex++;
            builder = new DocumentBuilder(documentIndex, line(event));
          }
          case DocumentEnd -> {
            if (builder != null) {
              builder.finish(sink);
            }
            builder = null;
          }
          case StreamStart, StreamEnd, Comment -> {
            // nothing to build
          }
          default -> {
            // Checked here, not in the builder: after a failed document the scanner still has
            // to get through it, and deep flow collections on one line cost it time per level.
            if (event.getEventId() == Event.ID.MappingStart
                || event.getEventId() == Event.ID.SequenceStart) {
              if (++depth > limits.maxDepth()) {
                sink.problem(documentIndex, line(event), tooDeep(), true);
                return;
              }
            } else if (event.getEventId() == Event.ID.MappingEnd
                || event.getEventId() == Event.ID.SequenceEnd) {
              depth--;
            }
            if (builder != null && !builder.failed) {
              try {
                builder.accept(event, sink);
              } catch (LimitException e) {
                builder.failed = true;
                sink.problem(documentIndex, e.line, e.getMessage(), false);
              }
            }
          }
        }
      }
    } catch (MarkedYamlEngineException e) {
      int line = e.getProblemMark().or(e::getContextMark).map(m -> m.getLine() + 1).orElse(0);
      sink.problem(Math.max(documentIndex, 0), line, describe(e), true);
    } catch (ReaderException e) {
      sink.problem(Math.max(documentIndex, 0), 0, String.format(
          "character U+%04X is not allowed in YAML (binary file?), not a manifest",
          e.getCodePoint()), true);
    } catch (YamlEngineException e) {
      if (e.getCause() instanceof IOException io) {
        // snakeyaml wraps the reader's failures; they are about the file, not about YAML
        throw new UncheckedIOException(io);
      }
      sink.problem(Math.max(documentIndex, 0), 0, "YAML error: " + e.getMessage(), true);
    }
  }

  /**
   * Reads a stream of JSON values, one document each, the way kubectl reads JSON: objects may
   * follow one another ({@code jq} output), and any JSON whitespace is allowed. Values, line
   * index, duplicate keys and limits are handled exactly as for YAML.
   */
  void parseJson(Reader reader, Sink sink) {
    JsonFactory factory = JsonFactory.builder()
        .streamReadConstraints(StreamReadConstraints.builder()
            .maxNestingDepth(limits.maxDepth() + 1).build())
        .build();
    int documentIndex = -1;
    DocumentBuilder builder = null;
    try (JsonParser json = factory.createParser(ObjectReadContext.empty(), reader)) {
      for (JsonToken token = json.nextToken(); token != null; token = json.nextToken()) {
        int line = json.currentTokenLocation().getLineNr();
        if (builder == null) {
          documentIndex++;
          builder = new DocumentBuilder(documentIndex, line);
        }
        if ((token == JsonToken.START_OBJECT || token == JsonToken.START_ARRAY)
            && builder.stack.size() >= limits.maxDepth()) {
          sink.problem(documentIndex, line, tooDeep(), true);
          return;
        }
        if (!builder.failed) {
          try {
            switch (token) {
              case START_OBJECT -> builder.open(true, null, line);
              case START_ARRAY -> builder.open(false, null, line);
              case END_OBJECT, END_ARRAY -> builder.close(sink);
              case PROPERTY_NAME -> builder.beginEntry(builder.stack.peek(),
                  share(json.currentName()), line, false);
              case VALUE_STRING -> builder.add(share(json.getString()), line, sink);
              case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT ->
                  builder.add(Scalars.resolvePlain(json.getString()), line, sink);
              case VALUE_TRUE -> builder.add(Boolean.TRUE, line, sink);
              case VALUE_FALSE -> builder.add(Boolean.FALSE, line, sink);
              case VALUE_NULL -> builder.add(null, line, sink);
              default -> {
                // no other tokens in plain JSON
              }
            }
          } catch (LimitException e) {
            builder.failed = true;
            sink.problem(documentIndex, e.line, e.getMessage(), false);
          }
        }
        if (json.streamReadContext().inRoot()) {
          builder.finish(sink);
          builder = null;
        }
      }
    } catch (JacksonIOException e) {
      throw new UncheckedIOException(e.getCause());
    } catch (JacksonException e) {
      int line = e.getLocation() == null ? 0 : Math.max(e.getLocation().getLineNr(), 0);
      sink.problem(Math.max(documentIndex, 0), line, "JSON syntax error: "
          + e.getOriginalMessage(), true);
    }
  }

  private String tooDeep() {
    return "nesting deeper than " + limits.maxDepth() + " levels; rest of the file not read";
  }

  private static String describe(MarkedYamlEngineException e) {
    StringBuilder sb = new StringBuilder("YAML syntax error: ");
    if (e.getContext() != null) {
      sb.append(e.getContext());
      if (e.getProblem() != null) {
        sb.append(", ");
      }
    }
    if (e.getProblem() != null) {
      sb.append(e.getProblem());
    }
    Optional<Mark> mark = e.getProblemMark();
    mark.ifPresent(m -> sb.append(" (column ").append(m.getColumn() + 1).append(')'));
    return sb.toString();
  }

  private static int line(Event event) {
    return event.getStartMark().map(m -> m.getLine() + 1).orElse(0);
  }

  /** Thrown when a document exceeds a limit; the document is dropped. */
  private static final class LimitException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    final int line;

    LimitException(int line, String message) {
      super(message, null, false, false);
      this.line = line;
    }
  }

  /** One open mapping or sequence. */
  private static final class Frame {
    final Object container;
    final boolean isMap;
    final String anchor;
    final int line;
    int[] lines = new int[8];
    int size;
    /** Levels of collections from this one down to its deepest descendant (1 when flat). */
    int height = 1;
    // mapping state
    boolean expectKey = true;
    String key;
    int keyLine;
    boolean mergeKey;
    List<Map<?, ?>> merges;

    Frame(Object container, boolean isMap, String anchor, int line) {
      this.container = container;
      this.isMap = isMap;
      this.anchor = anchor;
      this.line = line;
    }

    void addLine(int line) {
      if (size == lines.length) {
        lines = java.util.Arrays.copyOf(lines, size * 2);
      }
      lines[size++] = line;
    }
  }

  private final class DocumentBuilder {
    final int index;
    final int startLine;
    final ArrayDeque<Frame> stack = new ArrayDeque<>();
    final Map<String, Object> anchors = new HashMap<>();
    final Map<String, Long> anchorSizes = new HashMap<>();
    final Map<String, Integer> anchorHeights = new HashMap<>();
    Object root;
    int rootLine;
    boolean hasRoot;
    boolean failed;
    int aliases;
    long aliasNodes;

    DocumentBuilder(int index, int startLine) {
      this.index = index;
      this.startLine = startLine;
    }

    void accept(Event event, Sink sink) {
      int line = line(event);
      switch (event.getEventId()) {
        case Scalar -> {
          ScalarEvent scalar = (ScalarEvent) event;
          scalar(scalar.getValue(), scalar.isPlain(), scalar.getTag().orElse(null),
              scalar.getAnchor().map(Anchor::getValue).orElse(null), line, sink);
        }
        case MappingStart, SequenceStart -> open(event.getEventId() == Event.ID.MappingStart,
            ((CollectionStartEvent) event).getAnchor().map(Anchor::getValue).orElse(null), line);
        case MappingEnd, SequenceEnd -> close(sink);
        case Alias -> {
          String name = ((AliasEvent) event).getAlias().getValue();
          if (!anchors.containsKey(name)) {
            throw new LimitException(line, "alias *" + name + " refers to no complete anchor");
          }
          if (++aliases > limits.maxAliases()) {
            throw new LimitException(line, "more than " + limits.maxAliases()
                + " aliases in one document; document not scanned");
          }
          int height = anchorHeights.getOrDefault(name, 0);
          if (stack.size() + height > limits.maxDepth()) {
            throw new LimitException(line, "alias *" + name + " nests deeper than "
                + limits.maxDepth() + " levels; document not scanned");
          }
          long size = anchorSizes.getOrDefault(name, 1L);
          aliasNodes += size;
          if (aliasNodes > limits.maxAliasNodes()) {
            throw new LimitException(line, "aliases expand to more than " + limits.maxAliasNodes()
                + " nodes (a \"billion laughs\" bomb?); document not scanned");
          }
          Object copy = copy(anchors.get(name), line);
          Frame top = stack.peek();
          if (top != null) {
            top.height = Math.max(top.height, height + 1);
          }
          if (top != null && top.isMap && top.expectKey) {
            if (copy instanceof Map || copy instanceof List) {
              throw new LimitException(line, "a mapping key must be a scalar");
            }
            String key = Scalars.keyString(copy, String.valueOf(copy));
            beginEntry(top, key, line, false);
            return;
          }
          add(copy, line, sink);
        }
        default -> {
          // comments and stream markers carry no values
        }
      }
    }

    /** Starts a mapping or sequence (the parse loops have checked the depth). */
    void open(boolean isMap, String anchor, int line) {
      Frame top = stack.peek();
      if (top != null && top.isMap && top.expectKey) {
        throw new LimitException(line, "a mapping key must be a scalar");
      }
      Object container = isMap ? new Lined.Map() : new Lined.List();
      stack.push(new Frame(container, isMap, anchor, line));
    }

    /** Ends the innermost mapping or sequence and adds it to its parent. */
    void close(Sink sink) {
      Frame frame = stack.pop();
      if (frame.isMap && frame.merges != null) {
        @SuppressWarnings("unchecked")
        Map<String, Object> map = (Map<String, Object>) frame.container;
        for (Map<?, ?> merge : frame.merges) {
          for (Map.Entry<?, ?> e : merge.entrySet()) {
            if (!map.containsKey((String) e.getKey())) {
              map.put((String) e.getKey(), e.getValue());
              frame.addLine(frame.line);
            }
          }
        }
      }
      ((Lined) frame.container).lines(java.util.Arrays.copyOf(frame.lines, frame.size));
      if (frame.anchor != null) {
        anchors.put(frame.anchor, frame.container);
        anchorSizes.put(frame.anchor, countNodes(frame.container));
        anchorHeights.put(frame.anchor, frame.height);
      }
      Frame parent = stack.peek();
      if (parent != null) {
        parent.height = Math.max(parent.height, frame.height + 1);
      }
      add(frame.container, frame.line, sink);
    }

    /** A scalar: the next key of the innermost mapping, or a value. */
    void scalar(String text, boolean plain, String tag, String anchor, int line, Sink sink) {
      Frame top = stack.peek();
      if (top != null && top.isMap && top.expectKey) {
        boolean merge = plain && tag == null && MERGE.equals(text);
        Object resolved = scalarValue(text, plain, tag, line);
        String key = share(Scalars.keyString(resolved, text));
        remember(anchor, key, 1);
        beginEntry(top, key, line, merge);
        return;
      }
      Object value = scalarValue(text, plain, tag, line);
      remember(anchor, value, 1);
      add(value, line, sink);
    }

    void beginEntry(Frame frame, String key, int line, boolean merge) {
      frame.expectKey = false;
      frame.mergeKey = merge;
      frame.key = key;
      frame.keyLine = line;
    }

    private Object scalarValue(String text, boolean plain, String tag, int line) {
      try {
        if (tag != null && !"!".equals(tag)) {
          return Scalars.resolveTagged(tag, text, plain);
        }
      } catch (IllegalArgumentException e) {
        throw new LimitException(line, "value with tag " + tag + ": " + e.getMessage());
      }
      if (!plain || tag != null) {
        return share(text);
      }
      Object value = Scalars.resolvePlain(text);
      return value instanceof String resolved ? share(resolved) : value;
    }

    private void remember(String anchor, Object value, long size) {
      if (anchor != null) {
        anchors.put(anchor, value);
        anchorSizes.put(anchor, size);
        anchorHeights.remove(anchor);
      }
    }

    @SuppressWarnings("unchecked")
    void add(Object value, int line, Sink sink) {
      Frame top = stack.peek();
      if (top == null) {
        root = value;
        rootLine = line;
        hasRoot = true;
        return;
      }
      if (!top.isMap) {
        ((List<Object>) top.container).add(value);
        top.addLine(line);
        return;
      }
      Map<String, Object> map = (Map<String, Object>) top.container;
      top.expectKey = true;
      if (top.mergeKey) {
        if (top.merges == null) {
          top.merges = new ArrayList<>();
        }
        if (value instanceof Map<?, ?> m) {
          top.merges.add(m);
        } else if (value instanceof List<?> list) {
          for (Object item : list) {
            if (!(item instanceof Map<?, ?> m)) {
              throw new LimitException(top.keyLine, "merge key '<<' needs mappings");
            }
            top.merges.add(m);
          }
        } else {
          throw new LimitException(top.keyLine, "merge key '<<' needs a mapping");
        }
        return;
      }
      String key = top.key;
      if (map.containsKey(key)) {
        // last value wins, at the position of the last occurrence
        int position = 0;
        for (String k : map.keySet()) {
          if (k.equals(key)) {
            break;
          }
          position++;
        }
        int first = top.lines[position];
        sink.problem(index, top.keyLine, "duplicate key '" + key + "'"
            + (first > 0 ? " (first defined at line " + first + ")" : "")
            + "; Kubernetes rejects this, the last value is scanned", false);
        map.remove(key);
        System.arraycopy(top.lines, position + 1, top.lines, position, top.size - position - 1);
        top.size--;
      }
      map.put(key, value);
      top.addLine(top.keyLine);
    }

    /** A deep copy for an alias; every copied entry gets the alias's line. */
    private Object copy(Object value, int line) {
      if (value instanceof Map<?, ?> map) {
        Lined.Map copy = new Lined.Map();
        int[] lines = new int[map.size()];
        int i = 0;
        for (Map.Entry<?, ?> e : map.entrySet()) {
          copy.put((String) e.getKey(), copy(e.getValue(), line));
          lines[i++] = line;
        }
        copy.lines(lines);
        return copy;
      }
      if (value instanceof List<?> list) {
        Lined.List copy = new Lined.List();
        int[] lines = new int[list.size()];
        int i = 0;
        for (Object item : list) {
          copy.add(copy(item, line));
          lines[i++] = line;
        }
        copy.lines(lines);
        return copy;
      }
      return value;
    }

    private long countNodes(Object value) {
      if (value instanceof Map<?, ?> map) {
        long n = 1;
        for (Object v : map.values()) {
          n += countNodes(v);
          if (n > limits.maxAliasNodes()) {
            return n;
          }
        }
        return n;
      }
      if (value instanceof List<?> list) {
        long n = 1;
        for (Object v : list) {
          n += countNodes(v);
          if (n > limits.maxAliasNodes()) {
            return n;
          }
        }
        return n;
      }
      return 1;
    }

    void finish(Sink sink) {
      if (failed) {
        return;
      }
      sink.document(new Document(index, hasRoot ? rootLine : startLine, hasRoot ? root : null,
          LineIndex.LINED));
    }
  }
}
