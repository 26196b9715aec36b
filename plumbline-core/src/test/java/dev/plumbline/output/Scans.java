package dev.plumbline.output;

import dev.plumbline.control.Library;
import dev.plumbline.control.Severity;
import dev.plumbline.exceptions.ExceptionSet;
import dev.plumbline.resource.ManifestReader;
import dev.plumbline.resource.Origin;
import dev.plumbline.resource.Resource;
import dev.plumbline.scan.ScanOptions;
import dev.plumbline.scan.ScanResult;
import dev.plumbline.scan.Scanner;
import dev.plumbline.scan.Selection;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;

/**
 * The scans the output tests write: a fixed manifest set judged by four test-only controls
 * ({@code src/test/resources/output/library}) at a fixed time, plus hand-made edge cases.
 */
final class Scans {
  static final String BASE = "src/test/resources/output";
  static final String MANIFESTS = BASE + "/manifests";
  static final Clock CLOCK = Clock.fixed(Instant.parse("2026-06-15T10:30:00.250Z"),
      ZoneOffset.UTC);
  static final OutputContext CONTEXT = new OutputContext("0.1.0-test", false,
      List.of("plumbline", "scan", "--exceptions", BASE + "/exceptions.yaml", MANIFESTS),
      List.of(MANIFESTS));
  static final OutputContext COLOR = new OutputContext(CONTEXT.toolVersion(), true,
      CONTEXT.commandLine(), CONTEXT.inputs());

  private static Library library;

  private Scans() {}

  static synchronized Library library() {
    if (library == null) {
      library = Library.load(Path.of(BASE, "library"));
    }
    return library;
  }

  static ScanOptions options(Map<String, Severity> severities) {
    Selection selection = Selection.resolve(library(), List.of(), List.of(), null, severities);
    ExceptionSet exceptions = ExceptionSet.load(Path.of(BASE, "exceptions.yaml"),
        id -> library().control(id) != null);
    return ScanOptions.of(selection).withExceptions(exceptions).withClock(CLOCK);
  }

  /** The fixed manifest set: every kind of finding, a suppression, an error, a note. */
  static ScanResult golden() {
    return golden(Map.of());
  }

  /** The fixed manifest set with severity overrides. */
  static ScanResult golden(Map<String, Severity> severities) {
    ManifestReader.Result input = new ManifestReader()
        .read(List.of(MANIFESTS), new ByteArrayInputStream(new byte[0]));
    return new Scanner(options(severities)).scan(input);
  }

  /** Manifests held in memory, as if read from a file called {@code name}. */
  static ScanResult ofText(String name, String yaml) {
    return new Scanner(options(Map.of())).scan(new ManifestReader().readString(name, yaml));
  }

  /** Objects from a live cluster: no file, a resourceVersion. */
  static ScanResult live(List<Map<String, Object>> objects) {
    List<Resource> resources = objects.stream()
        .map(o -> Resource.of(o, Origin.live("4711"))).toList();
    return new Scanner(options(Map.of())).scan(resources, List.of(), List.of(), 0);
  }

  /** Nothing to judge: every score is NaN. */
  static ScanResult empty() {
    return new Scanner(options(Map.of())).scan(List.of(), List.of(), List.of(), 0);
  }

  static String render(OutputFormat format, ScanResult result) {
    return render(format, result, CONTEXT);
  }

  static String render(OutputFormat format, ScanResult result, OutputContext context) {
    StringWriter out = new StringWriter();
    try {
      format.write(result, context, out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString();
  }
}
