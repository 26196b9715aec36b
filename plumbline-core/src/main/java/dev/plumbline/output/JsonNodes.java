package dev.plumbline.output;

import java.io.IOException;
import java.io.Writer;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import tools.jackson.core.JsonGenerator;
import tools.jackson.core.StreamWriteFeature;
import tools.jackson.core.exc.JacksonIOException;
import tools.jackson.core.util.DefaultIndenter;
import tools.jackson.core.util.DefaultPrettyPrinter;
import tools.jackson.core.util.Separators;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectWriter;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Builds and writes the JSON trees of the JSON and SARIF outputs. Trees keep insertion order, and
 * scanned values are converted with their map keys sorted, so no hash order reaches the output.
 * No NaN or infinity is ever written: scores become null, scanned non-finite numbers become text.
 */
final class JsonNodes {
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  private static final JsonMapper MAPPER = JsonMapper.builder()
      .disable(StreamWriteFeature.AUTO_CLOSE_TARGET)
      .build();
  private static final ObjectWriter PRETTY;

  static {
    DefaultIndenter indenter = new DefaultIndenter("  ", "\n");
    DefaultPrettyPrinter printer = new DefaultPrettyPrinter(Separators.createDefaultInstance()
        .withObjectNameValueSpacing(Separators.Spacing.AFTER)
        .withObjectEmptySeparator("")
        .withArrayEmptySeparator(""))
        .withObjectIndenter(indenter)
        .withArrayIndenter(indenter);
    PRETTY = MAPPER.writer().with(printer);
  }

  private JsonNodes() {}

  static ObjectNode object() {
    return NODES.objectNode();
  }

  static ArrayNode array() {
    return NODES.arrayNode();
  }

  static ArrayNode strings(List<String> values) {
    ArrayNode a = array();
    values.forEach(a::add);
    return a;
  }

  /** A text node, or null. */
  static JsonNode text(String s) {
    return s == null ? NODES.nullNode() : NODES.stringNode(s);
  }

  /** A line number, or null when it is unknown (0). */
  static JsonNode line(int line) {
    return line > 0 ? NODES.numberNode(line) : NODES.nullNode();
  }

  /** A score rounded to two decimals, or null when nothing was judged (NaN). */
  static JsonNode score(double score) {
    if (Double.isNaN(score) || Double.isInfinite(score)) {
      return NODES.nullNode();
    }
    return NODES.numberNode(Math.round(score * 100) / 100.0);
  }

  /**
   * A scanned value (maps, lists, strings, numbers, booleans, null) as a tree. Map keys are
   * sorted; NaN and infinities, which JSON cannot hold, become the strings {@code NaN},
   * {@code Infinity} and {@code -Infinity}.
   */
  static JsonNode value(Object v) {
    if (v == null) {
      return NODES.nullNode();
    }
    if (v instanceof String s) {
      return NODES.stringNode(s);
    }
    if (v instanceof Boolean b) {
      return NODES.booleanNode(b);
    }
    if (v instanceof Long || v instanceof Integer || v instanceof Short || v instanceof Byte) {
      return NODES.numberNode(((Number) v).longValue());
    }
    if (v instanceof Double || v instanceof Float) {
      double d = ((Number) v).doubleValue();
      return Double.isFinite(d) ? NODES.numberNode(d) : NODES.stringNode(Double.toString(d));
    }
    if (v instanceof BigInteger i) {
      return NODES.numberNode(i);
    }
    if (v instanceof BigDecimal d) {
      return NODES.numberNode(d);
    }
    if (v instanceof Map<?, ?> m) {
      Map<String, Object> sorted = new TreeMap<>();
      m.forEach((k, x) -> sorted.put(String.valueOf(k), x));
      ObjectNode o = object();
      sorted.forEach((k, x) -> o.set(k, value(x)));
      return o;
    }
    if (v instanceof List<?> l) {
      ArrayNode a = array();
      l.forEach(x -> a.add(value(x)));
      return a;
    }
    return NODES.stringNode(String.valueOf(v));
  }

  /** A scanned value as compact JSON: {@code true}, {@code "nginx:latest"}, {@code {"a":1}}. */
  static String compact(Object v) {
    return MAPPER.writeValueAsString(value(v));
  }

  /** An array of the nodes made from some values. */
  static <T> ArrayNode array(List<T> values,
      java.util.function.Function<T, ? extends JsonNode> node) {
    ArrayNode a = array();
    values.forEach(v -> a.add(node.apply(v)));
    return a;
  }

  /**
   * Writes an object whose fields {@code fields} writes, formatted exactly as {@link #write}
   * formats a tree.
   */
  static void writeObject(Writer out, java.util.function.Consumer<JsonGenerator> fields)
      throws IOException {
    try (JsonGenerator g = PRETTY.createGenerator(out)) {
      g.writeStartObject();
      fields.accept(g);
      g.writeEndObject();
    } catch (JacksonIOException e) {
      throw e.getCause() != null ? e.getCause() : new IOException(e.getMessage(), e);
    }
    out.write('\n');
  }

  /** A generator that writes as {@link #writeObject} does. */
  static JsonGenerator generator(Writer out) {
    return PRETTY.createGenerator(out);
  }

  /** Writes a tree, indented by two spaces, with {@code \n} line ends and a final newline. */
  static void write(JsonNode tree, Writer out) throws IOException {
    try {
      PRETTY.writeValue(out, tree);
    } catch (JacksonIOException e) {
      throw e.getCause() != null ? e.getCause() : new IOException(e.getMessage(), e);
    }
    out.write('\n');
  }
}
