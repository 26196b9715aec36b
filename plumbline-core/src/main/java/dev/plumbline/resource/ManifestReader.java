package dev.plumbline.resource;

import java.io.BufferedInputStream;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.charset.Charset;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Reads Kubernetes manifests from files, directories and standard input.
 *
 * <p>Directories are walked recursively for {@code .yaml}, {@code .yml} and {@code .json} files,
 * in name order, leaving out {@code .git} and Helm chart templates; files named explicitly are
 * read whatever their extension. Text is UTF-8, or UTF-16 with a byte order mark. {@code .json}
 * files and standard input that start with a brace or a bracket are read as a stream of JSON
 * values, as kubectl reads them; everything else as YAML. Every document becomes zero or more
 * {@link Resource}s ({@code kind: List} and every {@code *List} kind are unwrapped).
 * Problems never stop the other inputs: they are collected as {@link InputError}s, and documents
 * that are deliberately skipped are collected as {@link InputNote}s.
 */
public final class ManifestReader {
  /** Everything read: resources in input order, problems and notes. */
  public record Result(List<Resource> resources, List<InputError> errors, List<InputNote> notes,
      int files) {}

  private static final String STDIN = "-";
  private static final int SNIFF_BYTES = 8192;

  private final YamlParser.Limits limits;

  public ManifestReader() {
    this(YamlParser.Limits.DEFAULT);
  }

  ManifestReader(YamlParser.Limits limits) {
    this.limits = limits;
  }

  /**
   * Reads every input in order. {@code -} reads {@code stdin}.
   */
  public Result read(List<String> inputs, InputStream stdin) {
    List<Source> sources = new ArrayList<>();
    List<InputError> errors = new ArrayList<>();
    List<InputNote> notes = new ArrayList<>();
    for (String input : inputs) {
      if (input.equals(STDIN)) {
        sources.add(new Source(STDIN, null));
        continue;
      }
      Path path = Path.of(input);
      if (Files.isDirectory(path)) {
        collect(input, path, sources, notes, errors);
      } else if (Files.exists(path)) {
        sources.add(new Source(input, path));
      } else {
        errors.add(new InputError(input, 0, "no such file or directory"));
      }
    }
    // Files are parsed in parallel; results are joined in input order, so output is stable.
    List<FileResult> results = sources.stream().filter(s -> s.path != null).parallel()
        .map(this::readFile).toList();
    List<Resource> resources = new ArrayList<>();
    int next = 0;
    for (Source source : sources) {
      FileResult r = source.path == null ? readStream(STDIN, stdin) : results.get(next++);
      resources.addAll(r.resources);
      errors.addAll(r.errors);
      notes.addAll(r.notes);
    }
    return new Result(resources, errors, notes, sources.size());
  }

  /** Reads manifests held in memory; {@code name} stands for the file in origins and errors. */
  public Result readString(String name, String text) {
    FileResult r = parse(name, new StringReader(text), "UTF-8");
    return new Result(r.resources, r.errors, r.notes, 1);
  }

  private record Source(String name, Path path) {}

  private static final class FileResult {
    final List<Resource> resources = new ArrayList<>();
    final List<InputError> errors = new ArrayList<>();
    final List<InputNote> notes = new ArrayList<>();
  }

  /**
   * Collects the manifests under a directory. A directory named through a symbolic link is walked
   * where the link points; links to directories met during the walk are not followed (a link back
   * up the tree would never end) but noted, like everything else that is skipped.
   */
  private void collect(String input, Path dir, List<Source> sources, List<InputNote> notes,
      List<InputError> errors) {
    try {
      Path root = dir.toRealPath();
      try (Stream<Path> walk = Files.walk(root)) {
        List<Path> files = walk.filter(p -> !insideGit(root, p))
            .filter(p -> Files.isRegularFile(p) ? isManifest(p.getFileName().toString())
                : Files.isSymbolicLink(p) && Files.isDirectory(p))
            .sorted().toList();
        for (Path file : files) {
          String name = display(input, root, file);
          if (Files.isDirectory(file)) {
            notes.add(new InputNote(name, 0,
                "symbolic link to a directory, not followed: name it to scan it"));
            continue;
          }
          Path chart = helmChartOf(file);
          if (chart != null) {
            String chartName = Path.of(input).resolve(root.relativize(chart)).normalize()
                .toString();
            notes.add(new InputNote(name, 0, "Helm template, not scanned: render the chart "
                + "with 'helm template " + (chartName.isEmpty() ? "." : chartName)
                + " | plumbline scan -'"));
            continue;
          }
          sources.add(new Source(name, file));
        }
      }
    } catch (IOException | UncheckedIOException e) {
      errors.add(new InputError(input, 0, "cannot read directory: " + message(e)));
    }
  }

  private static boolean isManifest(String fileName) {
    String lower = fileName.toLowerCase(Locale.ROOT);
    return lower.endsWith(".yaml") || lower.endsWith(".yml") || lower.endsWith(".json");
  }

  private static boolean insideGit(Path root, Path file) {
    for (Path p : root.relativize(file)) {
      if (p.toString().equals(".git")) {
        return true;
      }
    }
    return false;
  }

  /**
   * The chart directory when {@code file} (a real path) lies in a Helm chart's templates, at any
   * depth (Helm renders subfolders too), even when the chart is above the folder being walked.
   */
  private static Path helmChartOf(Path file) {
    for (Path p = file.getParent(); p != null && p.getParent() != null; p = p.getParent()) {
      if (p.getFileName().toString().equals("templates")
          && Files.isRegularFile(p.getParent().resolve("Chart.yaml"))) {
        return p.getParent();
      }
    }
    return null;
  }

  private static String display(String input, Path dir, Path file) {
    String relative = dir.relativize(file).toString();
    if (input.equals(".") || input.equals("./")) {
      return relative;
    }
    return input.endsWith("/") ? input + relative : input + "/" + relative;
  }

  private FileResult readFile(Source source) {
    try (InputStream in = Files.newInputStream(source.path)) {
      return readStream(source.name, in);
    } catch (NoSuchFileException e) {
      FileResult r = new FileResult();
      r.errors.add(new InputError(source.name, 0, "no such file"));
      return r;
    } catch (IOException e) {
      FileResult r = new FileResult();
      r.errors.add(new InputError(source.name, 0, "cannot read: " + message(e)));
      return r;
    }
  }

  private FileResult readStream(String name, InputStream raw) {
    BufferedInputStream in = new BufferedInputStream(raw, 65536);
    try {
      in.mark(SNIFF_BYTES);
      byte[] head = in.readNBytes(SNIFF_BYTES);
      in.reset();
      Charset charset = StandardCharsets.UTF_8;
      int skip = 0;
      if (head.length >= 2 && (head[0] & 0xff) == 0xfe && (head[1] & 0xff) == 0xff) {
        charset = StandardCharsets.UTF_16BE;
        skip = 2;
      } else if (head.length >= 2 && (head[0] & 0xff) == 0xff && (head[1] & 0xff) == 0xfe) {
        charset = StandardCharsets.UTF_16LE;
        skip = 2;
      } else if (head.length >= 3 && (head[0] & 0xff) == 0xef && (head[1] & 0xff) == 0xbb
          && (head[2] & 0xff) == 0xbf) {
        skip = 3;
      } else {
        for (byte b : head) {
          if (b == 0) {
            FileResult r = new FileResult();
            r.errors.add(new InputError(name, 0, "binary file (contains NUL bytes), not a manifest"));
            return r;
          }
        }
      }
      in.skipNBytes(skip);
      // Invalid bytes become a marker that TextReader reports with its line.
      CharsetDecoder decoder = charset.newDecoder()
          .onMalformedInput(CodingErrorAction.REPLACE)
          .onUnmappableCharacter(CodingErrorAction.REPLACE)
          .replaceWith(TextReader.INVALID);
      return parse(name, new InputStreamReader(in, decoder), charset.name());
    } catch (IOException e) {
      FileResult r = new FileResult();
      r.errors.add(new InputError(name, 0, "cannot read: " + message(e)));
      return r;
    }
  }

  private FileResult parse(String name, Reader reader, String charset) {
    FileResult result = new FileResult();
    YamlParser.Sink sink = new YamlParser.Sink() {
      @Override
      public void document(YamlParser.Document document) {
        addDocument(name, document, result);
      }

      @Override
      public void problem(int documentIndex, int line, String message, boolean fatal) {
        result.errors.add(new InputError(name, line, message));
      }
    };
    try {
      BufferedReader text = new BufferedReader(new TextReader(reader, charset), SNIFF_BYTES);
      YamlParser parser = new YamlParser(limits);
      if (mayBeJson(name) && startsWithJson(text)) {
        parser.parseJson(text, sink);
      } else {
        parser.parse(text, sink);
      }
    } catch (IOException e) {
      result.errors.add(readProblem(name, e));
    } catch (UncheckedIOException e) {
      result.errors.add(readProblem(name, e.getCause()));
    } catch (RuntimeException e) {
      Throwable cause = e;
      while (cause.getCause() != null && !(cause instanceof IOException)) {
        cause = cause.getCause();
      }
      if (cause instanceof IOException io) {
        result.errors.add(readProblem(name, io));
      } else {
        throw e;
      }
    }
    return result;
  }

  /**
   * Whether to try JSON: for {@code .json} files and standard input. YAML reads a single JSON
   * object too, but not a stream of them ({@code jq} output, which kubectl accepts), nor JSON
   * whitespace that is not YAML whitespace.
   */
  private static boolean mayBeJson(String name) {
    return name.equals(STDIN) || name.toLowerCase(Locale.ROOT).endsWith(".json");
  }

  /** Whether the text starts, after whitespace, like JSON; the reader is left where it was. */
  private static boolean startsWithJson(BufferedReader text) throws IOException {
    text.mark(SNIFF_BYTES);
    try {
      for (int i = 0; i < SNIFF_BYTES; i++) {
        int c = text.read();
        if (c != ' ' && c != '\t' && c != '\r' && c != '\n') {
          return c == '{' || c == '[';
        }
      }
      return false;
    } finally {
      text.reset();
    }
  }

  private static InputError readProblem(String name, IOException e) {
    if (e instanceof TextReader.NotTextException notText) {
      return new InputError(name, notText.line, notText.getMessage());
    }
    return new InputError(name, 0, "cannot read: " + message(e));
  }

  @SuppressWarnings("unchecked")
  private static void addDocument(String file, YamlParser.Document document, FileResult result) {
    Object root = document.root();
    if (root == null) {
      return; // empty document
    }
    if (!(root instanceof Map<?, ?> map)) {
      result.notes.add(new InputNote(file, document.line(),
          "document is not a Kubernetes object (not a mapping), skipped"));
      return;
    }
    Map<String, Object> object = (Map<String, Object>) map;
    Object kind = object.get("kind");
    Object apiVersion = object.get("apiVersion");
    if (!(kind instanceof String k) || k.isEmpty() || !(apiVersion instanceof String v)
        || v.isEmpty()) {
      result.notes.add(new InputNote(file, document.line(),
          "document is not a Kubernetes object (no apiVersion and kind), skipped"));
      return;
    }
    if (v.startsWith("plumbline.dev/")) {
      result.notes.add(new InputNote(file, document.line(), "Plumbline " + k
          + ", not a cluster object"
          + (k.equals("ExceptionList") ? " (give it to --exceptions)" : "") + ", skipped"));
      return;
    }
    if (v.startsWith("kustomize.config.k8s.io/")) {
      // a Kustomize file is a recipe, not an object: its patches and generators only exist
      // in what `kustomize build` renders
      result.notes.add(new InputNote(file, document.line(), "Kustomize " + k
          + ", not a cluster object, skipped (to scan what it renders: kustomize build DIR"
          + " | plumbline scan -)"));
      return;
    }
    if (k.endsWith("List") && object.containsKey("items")) {
      Object items = object.get("items");
      if (items == null) {
        return;
      }
      if (!(items instanceof List<?> list)) {
        result.errors.add(new InputError(file,
            document.lines().lineOf(object, document.line(), FieldPath.of("items")),
            k + ": items must be a list"));
        return;
      }
      String itemKind = k.equals("List") ? null : k.substring(0, k.length() - 4);
      for (int i = 0; i < list.size(); i++) {
        FieldPath at = FieldPath.of("items", i);
        int line = document.lines().lineOf(object, document.line(), at);
        if (!(list.get(i) instanceof Map<?, ?> itemMap)) {
          result.errors.add(new InputError(file, line, k + ": items[" + i + "] is not an object"));
          continue;
        }
        Map<String, Object> item = (Map<String, Object>) itemMap;
        if (itemKind != null) {
          item.putIfAbsent("kind", itemKind);
          item.putIfAbsent("apiVersion", v);
        }
        if (!(item.get("kind") instanceof String) || !(item.get("apiVersion") instanceof String)) {
          result.errors.add(new InputError(file, line,
              k + ": items[" + i + "] has no apiVersion and kind"));
          continue;
        }
        result.resources.add(new Resource(Resource.refOf(item), item,
            Origin.file(file, document.index(), line), document.lines()));
      }
      return;
    }
    result.resources.add(new Resource(Resource.refOf(object), object,
        Origin.file(file, document.index(), document.line()), document.lines()));
  }

  private static String message(Exception e) {
    String m = e.getMessage();
    return m == null ? e.getClass().getSimpleName() : m;
  }
}
