package dev.plumbline.cli;

import java.io.PrintWriter;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

/** Pretty JSON for the listing commands' {@code -o json}. */
final class JsonOut {
  private static final JsonMapper MAPPER = JsonMapper.builder()
      .enable(SerializationFeature.INDENT_OUTPUT)
      .build();

  private JsonOut() {}

  static void print(Object value, PrintWriter out) {
    out.println(MAPPER.writeValueAsString(value));
  }
}
