package dev.plumbline.fix;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.api.lowlevel.Parse;
import org.snakeyaml.engine.v2.common.ScalarStyle;
import org.snakeyaml.engine.v2.events.CollectionStartEvent;
import org.snakeyaml.engine.v2.events.Event;
import org.snakeyaml.engine.v2.events.NodeEvent;
import org.snakeyaml.engine.v2.events.ScalarEvent;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;

/**
 * The shape of a YAML text with where every node sits: a light node tree built from parser
 * events, with character offsets into the text (not code points), so that edits can splice the
 * text itself. Values are not resolved here: the editor compares values parsed the usual way
 * and uses this tree only for positions.
 */
final class YamlTree {
  /** A node; {@code start} and {@code end} are character offsets, end exclusive. */
  abstract static class Node {
    int start;
    int end;
  }

  static final class Scalar extends Node {
    String text;
    ScalarStyle style;
  }

  static final class Mapping extends Node {
    boolean flow;
    final List<Scalar> keys = new ArrayList<>();
    final List<Node> values = new ArrayList<>();
  }

  static final class Sequence extends Node {
    boolean flow;
    final List<Node> items = new ArrayList<>();
  }

  /** One document: its root node (null when empty) and what makes it unsafe to edit. */
  record Document(Node root, int line, String unsafe, int unsafeLine) {}

  private YamlTree() {}

  /**
   * The documents of a text, in stream order (the same order and count as the manifest reader's
   * document indexes).
   *
   * @throws Uneditable when the text does not parse (the caller has already refused such files)
   */
  static List<Document> parse(String text) {
    Offsets offsets = new Offsets(text);
    LoadSettings settings = LoadSettings.builder().setCodePointLimit(Integer.MAX_VALUE)
        .setUseMarks(true).build();
    List<Document> documents = new ArrayList<>();
    ArrayDeque<Node> stack = new ArrayDeque<>();
    Node root = null;
    int docLine = 0;
    String unsafe = null;
    int unsafeLine = 0;
    try {
      for (Event event : new Parse(settings).parseString(text)) {
        switch (event.getEventId()) {
          case DocumentStart -> {
            root = null;
            unsafe = null;
            unsafeLine = 0;
            docLine = line(event);
            stack.clear();
          }
          case DocumentEnd -> documents.add(new Document(root, docLine, unsafe, unsafeLine));
          case Alias -> {
            if (unsafe == null) {
              unsafe = "uses YAML anchors and aliases (an edit could change other places)";
              unsafeLine = line(event);
            }
            // stands in as a node so the shape stays aligned
            Scalar alias = new Scalar();
            alias.start = offsets.of(event.getStartMark().map(Mark::getIndex).orElse(0));
            alias.end = offsets.of(event.getEndMark().map(Mark::getIndex).orElse(0));
            alias.text = "*";
            alias.style = ScalarStyle.PLAIN;
            root = add(stack, alias, root);
          }
          case Scalar -> {
            ScalarEvent s = (ScalarEvent) event;
            if (s.getAnchor().isPresent() && unsafe == null) {
              unsafe = "uses YAML anchors and aliases (an edit could change other places)";
              unsafeLine = line(event);
            }
            Scalar node = new Scalar();
            node.start = offsets.of(event.getStartMark().map(Mark::getIndex).orElse(0));
            node.end = offsets.of(event.getEndMark().map(Mark::getIndex).orElse(0));
            node.text = s.getValue();
            node.style = s.getScalarStyle();
            Node top = stack.peek();
            if (top instanceof Mapping m && m.keys.size() == m.values.size()) {
              if (s.getScalarStyle() == ScalarStyle.PLAIN && "<<".equals(s.getValue())
                  && unsafe == null) {
                unsafe = "uses YAML merge keys (<<)";
                unsafeLine = line(event);
              }
              m.keys.add(node);
            } else {
              root = add(stack, node, root);
            }
          }
          case MappingStart, SequenceStart -> {
            CollectionStartEvent c = (CollectionStartEvent) event;
            if (((NodeEvent) event).getAnchor().isPresent() && unsafe == null) {
              unsafe = "uses YAML anchors and aliases (an edit could change other places)";
              unsafeLine = line(event);
            }
            Node node;
            if (event.getEventId() == Event.ID.MappingStart) {
              Mapping m = new Mapping();
              m.flow = c.isFlow();
              node = m;
            } else {
              Sequence q = new Sequence();
              q.flow = c.isFlow();
              node = q;
            }
            node.start = offsets.of(event.getStartMark().map(Mark::getIndex).orElse(0));
            Node top = stack.peek();
            if (top instanceof Mapping m && m.keys.size() == m.values.size()) {
              if (unsafe == null) {
                unsafe = "has a mapping key that is not a scalar";
                unsafeLine = line(event);
              }
              Scalar placeholder = new Scalar();
              placeholder.start = node.start;
              placeholder.end = node.start;
              placeholder.text = "?";
              placeholder.style = ScalarStyle.PLAIN;
              m.keys.add(placeholder);
              // the collection key itself is dropped from the shape
              stack.push(new Mapping());
              stack.peek().start = -1;
              continue;
            }
            stack.push(node);
          }
          case MappingEnd, SequenceEnd -> {
            Node node = stack.pop();
            if (node.start == -1) {
              continue; // a collection used as a key
            }
            int endMark = offsets.of(event.getEndMark().map(Mark::getIndex).orElse(0));
            if (node instanceof Mapping m) {
              node.end = m.flow || m.values.isEmpty() ? endMark
                  : m.values.get(m.values.size() - 1).end;
            } else {
              Sequence q = (Sequence) node;
              node.end = q.flow || q.items.isEmpty() ? endMark
                  : q.items.get(q.items.size() - 1).end;
            }
            root = add(stack, node, root);
          }
          default -> {
            // stream events and comments carry no nodes
          }
        }
      }
    } catch (YamlEngineException e) {
      throw new Uneditable("does not parse: " + e.getMessage(), 0);
    }
    return documents;
  }

  private static Node add(ArrayDeque<Node> stack, Node node, Node root) {
    Node top = stack.peek();
    if (top == null) {
      return node;
    }
    if (top instanceof Mapping m) {
      m.values.add(node);
    } else {
      ((Sequence) top).items.add(node);
    }
    return root;
  }

  private static int line(Event event) {
    return event.getStartMark().map(m -> m.getLine() + 1).orElse(0);
  }

  /** Turns the parser's code point indexes into character offsets. */
  private static final class Offsets {
    private final int[] charAt;

    Offsets(String text) {
      boolean surrogates = false;
      for (int i = 0; i < text.length() && !surrogates; i++) {
        surrogates = Character.isSurrogate(text.charAt(i));
      }
      if (!surrogates) {
        charAt = null;
        return;
      }
      int count = text.codePointCount(0, text.length());
      charAt = new int[count + 1];
      int c = 0;
      for (int i = 0; i < text.length(); i = text.offsetByCodePoints(i, 1)) {
        charAt[c++] = i;
      }
      charAt[count] = text.length();
    }

    int of(int codePointIndex) {
      if (charAt == null) {
        return codePointIndex;
      }
      return charAt[Math.min(codePointIndex, charAt.length - 1)];
    }
  }
}
