package dev.plumbline.report;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.MapperFeature;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

/** The formats a {@link Report} is written in; each writes the same content. */
public enum ReportFormat {
  HTML("text/html; charset=utf-8", "html"),
  PDF("application/pdf", "pdf"),
  CSV("text/csv; charset=utf-8", "csv"),
  JSON("application/json", "json");

  private static final JsonMapper MAPPER = JsonMapper.builder()
      .disable(MapperFeature.SORT_PROPERTIES_ALPHABETICALLY)
      .enable(SerializationFeature.INDENT_OUTPUT)
      .disable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
      .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
      .build();

  private final String contentType;
  private final String extension;

  ReportFormat(String contentType, String extension) {
    this.contentType = contentType;
    this.extension = extension;
  }

  /** The media type to serve it as. */
  public String contentType() {
    return contentType;
  }

  /** The usual file name extension, without the dot. */
  public String extension() {
    return extension;
  }

  /**
   * The format of a name ({@code html}, {@code pdf}, {@code csv}, {@code json}).
   *
   * @throws IllegalArgumentException naming the known formats
   */
  public static ReportFormat parse(String name) {
    for (ReportFormat f : values()) {
      if (f.extension.equalsIgnoreCase(name == null ? "" : name.strip())) {
        return f;
      }
    }
    throw new IllegalArgumentException("unknown report format '" + name + "' (known: "
        + Arrays.stream(values()).map(ReportFormat::extension).collect(Collectors.joining(", "))
        + ")");
  }

  /** Writes the report; the stream is flushed, not closed. */
  public void write(Report report, OutputStream out) throws IOException {
    if (this == PDF) {
      PdfRenderer.render(report, out);
      out.flush();
      return;
    }
    Writer w = new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8));
    switch (this) {
      case HTML -> w.write(HtmlRenderer.render(report, false));
      case CSV -> CsvRenderer.render(report, w);
      case JSON -> {
        w.write(MAPPER.writeValueAsString(report));
        w.write('\n');
      }
      default -> throw new IllegalStateException(name());
    }
    w.flush();
  }

  /** The report as bytes in this format. */
  public byte[] bytes(Report report) {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    try {
      write(report, out);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  /**
   * Reads a report from its JSON form (as {@code plumbline serve} sends it).
   *
   * @throws IllegalArgumentException when it is not a report of a schema version this Plumbline
   *     reads
   */
  public static Report readJson(InputStream in) throws IOException {
    Report report;
    try {
      tools.jackson.databind.JsonNode tree = MAPPER.readTree(in);
      tools.jackson.databind.JsonNode version = tree == null ? null : tree.get("schemaVersion");
      if (version == null || !version.isInt()) {
        throw new IllegalArgumentException("not a Plumbline report: no schemaVersion");
      }
      if (version.intValue() != Report.SCHEMA_VERSION) {
        throw new IllegalArgumentException("a report of schema version " + version.intValue()
            + "; this Plumbline reads schema version " + Report.SCHEMA_VERSION);
      }
      report = MAPPER.treeToValue(tree, Report.class);
    } catch (JacksonException e) {
      throw new IllegalArgumentException("not a Plumbline report: "
          + e.getOriginalMessage().lines().findFirst().orElse(""), e);
    }
    return report;
  }

  @Override
  public String toString() {
    return extension.toLowerCase(Locale.ROOT);
  }
}
