package dev.plumbline.resource;

import java.util.ArrayList;
import java.util.List;

/**
 * A YAML file read with the same rules as manifests (Kubernetes scalars, limits against hostile
 * input), for Plumbline's own files: controls, frameworks, exceptions and configuration.
 */
public final class YamlFile {
  /** One document, with the line of each of its fields. */
  public static final class Document {
    private final Object root;
    private final int line;
    private final LineIndex lines;

    private Document(Object root, int line, LineIndex lines) {
      this.root = root;
      this.line = line;
      this.lines = lines;
    }

    /** The document's value: a Map, List, scalar or null. */
    public Object root() {
      return root;
    }

    /** The line of the field at {@code path}, or of its nearest present ancestor. */
    public int lineOf(FieldPath path) {
      return lines.lineOf(root, line, path);
    }
  }

  private YamlFile() {}

  /**
   * Parses every document of a text.
   *
   * @throws InputException naming the file and line of the first problem
   */
  public static List<Document> parse(String name, String text) {
    List<Document> documents = new ArrayList<>();
    List<InputError> problems = new ArrayList<>();
    new YamlParser(YamlParser.Limits.DEFAULT).parse(text, new YamlParser.Sink() {
      @Override
      public void document(YamlParser.Document d) {
        documents.add(new Document(d.root(), d.line(), d.lines()));
      }

      @Override
      public void problem(int documentIndex, int line, String message, boolean fatal) {
        problems.add(new InputError(name, line, message));
      }
    });
    if (!problems.isEmpty()) {
      throw new InputException(problems.get(0));
    }
    return documents;
  }
}
