package dev.plumbline.control;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.FileSystem;
import java.nio.file.FileSystemAlreadyExistsException;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * The controls and frameworks Plumbline evaluates: the built-in library, optionally joined with
 * custom controls in the same format.
 *
 * <p>Layout on disk: {@code controls/<id>/control.yaml} (with {@code tests/} beside it) and
 * {@code frameworks/<id>.yaml}. Loading compiles and type-checks every expression and checks
 * every reference (ids unique, aliases unique, every framework requirement a control names
 * exists, every automated requirement has a control); any problem stops the load with a message
 * naming the file.
 */
public final class Library {
  private static final String BUILT_IN = "plumbline/library";
  private static final String INDEX = "index.txt";
  private static volatile Library builtIn;

  private final List<Control> controls;
  private final Map<String, Control> byId;
  private final List<Framework> frameworks;
  private final Map<String, Framework> frameworksById;

  private Library(List<Control> controls, List<Framework> frameworks) {
    List<Control> sortedControls = new ArrayList<>(controls);
    sortedControls.sort((a, b) -> a.id().compareTo(b.id()));
    this.controls = Collections.unmodifiableList(sortedControls);
    this.byId = new HashMap<>();
    for (Control c : sortedControls) {
      byId.put(c.id(), c);
      for (String alias : c.aliases()) {
        byId.put(alias, c);
      }
    }
    List<Framework> sortedFrameworks = new ArrayList<>(frameworks);
    sortedFrameworks.sort((a, b) -> a.id().compareTo(b.id()));
    this.frameworks = Collections.unmodifiableList(sortedFrameworks);
    this.frameworksById = new LinkedHashMap<>();
    for (Framework f : sortedFrameworks) {
      frameworksById.put(f.id(), f);
    }
  }

  /** The built-in library, loaded once from the classpath. */
  public static Library builtIn() {
    Library library = builtIn;
    if (library == null) {
      synchronized (Library.class) {
        library = builtIn;
        if (library == null) {
          library = loadBuiltIn();
          builtIn = library;
        }
      }
    }
    return library;
  }

  private static Library loadBuiltIn() {
    URL url = Library.class.getClassLoader().getResource(BUILT_IN);
    if (url == null) {
      // The core alone has no built-in controls (the library module provides them).
      return new Library(List.of(), List.of());
    }
    try {
      URI uri = url.toURI();
      Path root;
      if (uri.getScheme().equals("jar")) {
        List<String> index = index();
        if (index != null) {
          Parts parts = Parts.fromJar(index, uri);
          return link(parts.controls, parts.frameworks, parts.problems);
        }
        root = jarPath(uri);
      } else {
        root = Path.of(uri);
      }
      Parts parts = Parts.read(root, BUILT_IN);
      return link(parts.controls, parts.frameworks, parts.problems);
    } catch (URISyntaxException | IOException e) {
      throw new LibraryException(List.of("cannot open the built-in library: " + e.getMessage()));
    }
  }

  /**
   * The files of the built-in library as the build listed them ({@value #INDEX}), or null. In a
   * jar, reading them through the class loader avoids opening the jar as a file system (which
   * reads the directory of its 40,000 entries: a third of the start-up time of a small scan).
   */
  private static List<String> index() throws IOException {
    try (java.io.InputStream in = Library.class.getClassLoader()
        .getResourceAsStream(BUILT_IN + "/" + INDEX)) {
      if (in == null) {
        return null;
      }
      return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).lines()
          .filter(l -> !l.isBlank()).toList();
    }
  }

  /** Writes the index of a library directory (a build step, see {@link CelPrecompiler}). */
  static void writeIndex(Path root) throws IOException {
    List<String> lines = new ArrayList<>();
    for (Path folder : LibraryLoader.controlFolders(root)) {
      lines.add(root.relativize(folder.resolve("control.yaml")).toString().replace('\\', '/'));
    }
    for (Path file : LibraryLoader.frameworkFiles(root)) {
      lines.add(root.relativize(file).toString().replace('\\', '/'));
    }
    java.nio.file.Files.write(root.resolve(INDEX), lines);
  }

  /** A path of the jar's file system (opened once). */
  private static Path jarPath(URI uri) throws IOException {
    FileSystem fs;
    try {
      fs = FileSystems.newFileSystem(uri, Map.of());
    } catch (FileSystemAlreadyExistsException e) {
      fs = FileSystems.getFileSystem(uri);
    }
    String s = uri.toString();
    return fs.getPath(s.substring(s.indexOf("!/") + 1));
  }

  /**
   * Loads a library from a directory: one control folder, a directory of control folders, or a
   * directory with {@code controls/} and {@code frameworks/}.
   */
  public static Library load(Path root) {
    Parts parts = Parts.read(root, root.toString());
    return link(parts.controls, parts.frameworks, parts.problems);
  }

  /**
   * This library joined with custom controls (and frameworks) from a directory. Custom controls
   * may map themselves to this library's frameworks; their ids must not clash with its ids.
   */
  public Library withCustom(Path root) {
    Parts parts = Parts.read(root, root.toString());
    List<Control> all = new ArrayList<>(controls);
    all.addAll(parts.controls);
    List<Framework> allFrameworks = new ArrayList<>(strip(frameworks));
    allFrameworks.addAll(parts.frameworks);
    return link(all, allFrameworks, parts.problems);
  }

  /** Controls and frameworks read from one directory, not yet linked. */
  private record Parts(List<Control> controls, List<Framework> frameworks, List<String> problems) {
    /** The built-in library's files, by their index, read through the class loader. */
    static Parts fromJar(List<String> index, URI root) {
      List<String> problems = Collections.synchronizedList(new ArrayList<>());
      ClassLoader loader = Library.class.getClassLoader();
      List<Control> controls = index.stream().filter(f -> f.endsWith("/control.yaml"))
          .parallel().map(file -> {
            String dir = file.substring(0, file.length() - "/control.yaml".length());
            String folderName = dir.substring(dir.lastIndexOf('/') + 1);
            String display = BUILT_IN + "/" + dir;
            try {
              String text = read(loader, BUILT_IN + "/" + file);
              Path[] folder = new Path[1];
              return LibraryLoader.loadControl(text, folderName, display, () -> {
                synchronized (folder) {
                  if (folder[0] == null) {
                    try {
                      folder[0] = jarPath(root).resolve(dir);
                    } catch (IOException e) {
                      throw new java.io.UncheckedIOException(e);
                    }
                  }
                  return folder[0];
                }
              }, "/" + display);
            } catch (Fields.Problem e) {
              problems.add(e.getMessage());
              return null;
            }
          }).filter(c -> c != null).toList();
      List<Framework> frameworks = new ArrayList<>();
      for (String file : index) {
        if (file.startsWith("frameworks/")) {
          String display = BUILT_IN + "/" + file;
          try {
            frameworks.add(LibraryLoader.loadFramework(read(loader, display), display));
          } catch (Fields.Problem e) {
            problems.add(e.getMessage());
          }
        }
      }
      List<String> sorted = new ArrayList<>(problems);
      sorted.sort(null);
      return new Parts(controls, frameworks, sorted);
    }

    private static String read(ClassLoader loader, String resource) {
      try (java.io.InputStream in = loader.getResourceAsStream(resource)) {
        if (in == null) {
          throw new Fields.Problem(resource + ": listed in the library's index but missing");
        }
        return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new Fields.Problem(resource + ": cannot read: " + e.getMessage());
      }
    }

    static Parts read(Path root, String display) {
      List<String> problems = Collections.synchronizedList(new ArrayList<>());
      List<Path> folders;
      List<Path> frameworkFiles;
      try {
        folders = LibraryLoader.controlFolders(root);
        frameworkFiles = LibraryLoader.frameworkFiles(root);
      } catch (IOException e) {
        throw new LibraryException(List.of(display + ": cannot read: " + e.getMessage()));
      }
      if (folders.isEmpty() && frameworkFiles.isEmpty()) {
        throw new LibraryException(List.of(display + ": no control.yaml found"));
      }
      // Compiling expressions is the slow part of start-up: do it on every core.
      List<Control> controls = folders.parallelStream().map(folder -> {
        try {
          return LibraryLoader.loadControl(folder, displayOf(root, display, folder));
        } catch (Fields.Problem e) {
          problems.add(e.getMessage());
          return null;
        }
      }).filter(c -> c != null).toList();
      List<Framework> frameworks = new ArrayList<>();
      for (Path file : frameworkFiles) {
        try {
          frameworks.add(LibraryLoader.loadFramework(file,
              display + "/frameworks/" + file.getFileName()));
        } catch (Fields.Problem e) {
          problems.add(e.getMessage());
        }
      }
      List<String> sorted = new ArrayList<>(problems);
      sorted.sort(null);
      return new Parts(controls, frameworks, sorted);
    }
  }

  private static String displayOf(Path root, String display, Path folder) {
    String relative = root.relativize(folder).toString();
    return relative.isEmpty() ? display : display + "/" + relative;
  }

  private static List<Framework> strip(List<Framework> frameworks) {
    return frameworks.stream().map(f -> new Framework(f.id(), f.title(), f.version(),
        f.description(), f.url(), f.requirements().stream()
            .map(r -> new Framework.Requirement(r.id(), r.title(), r.section(), r.manual(),
                r.procedure(), List.of()))
            .toList())).toList();
  }

  /** Checks references and fills each requirement's controls. */
  private static Library link(List<Control> controls, List<Framework> frameworks,
      List<String> problems) {
    Map<String, String> ids = new HashMap<>();
    for (Control c : controls) {
      String where = c.source() + "/control.yaml";
      for (String id : concat(c.id(), c.aliases())) {
        String previous = ids.putIfAbsent(id, c.id());
        if (previous != null) {
          problems.add(where + ": id or alias '" + id + "' is already used by control '"
              + previous + "'");
        }
      }
    }
    for (Control c : controls) {
      for (String overridden : c.overrides()) {
        if (!ids.containsKey(overridden)) {
          problems.add(c.source() + "/control.yaml: overrides: unknown control '" + overridden
              + "'");
        } else if (!ids.get(overridden).equals(overridden)) {
          problems.add(c.source() + "/control.yaml: overrides: '" + overridden
              + "' is a former id; use '" + ids.get(overridden) + "'");
        } else if (overridden.equals(c.id())) {
          problems.add(c.source() + "/control.yaml: overrides: a control cannot override itself");
        }
      }
    }
    Map<String, Framework> byId = new LinkedHashMap<>();
    for (Framework f : frameworks) {
      if (byId.putIfAbsent(f.id(), f) != null) {
        problems.add("framework '" + f.id() + "' is defined twice");
      }
    }
    Map<String, Map<String, TreeSet<String>>> mapped = new TreeMap<>();
    for (Control c : controls) {
      String where = c.source() + "/control.yaml";
      for (Map.Entry<String, List<String>> e : c.frameworks().entrySet()) {
        Framework f = byId.get(e.getKey());
        if (f == null) {
          problems.add(where + ": frameworks: unknown framework '" + e.getKey() + "'");
          continue;
        }
        for (String requirement : e.getValue()) {
          Framework.Requirement r = f.requirement(requirement);
          if (r == null) {
            problems.add(where + ": frameworks: " + f.id() + " has no requirement '"
                + requirement + "'");
          } else if (r.manual()) {
            problems.add(where + ": frameworks: " + f.id() + " requirement '" + requirement
                + "' is marked manual, so no control can verify it");
          } else {
            mapped.computeIfAbsent(f.id(), k -> new TreeMap<>())
                .computeIfAbsent(requirement, k -> new TreeSet<>()).add(c.id());
          }
        }
      }
    }
    List<Framework> linked = new ArrayList<>();
    for (Framework f : byId.values()) {
      List<Framework.Requirement> requirements = new ArrayList<>();
      for (Framework.Requirement r : f.requirements()) {
        TreeSet<String> ids2 = mapped.getOrDefault(f.id(), Map.of()).get(r.id());
        List<String> list = ids2 == null ? List.of() : List.copyOf(ids2);
        if (!r.manual() && list.isEmpty()) {
          problems.add("framework " + f.id() + ": requirement '" + r.id()
              + "' has no control; map a control to it or mark it manual");
        }
        requirements.add(new Framework.Requirement(r.id(), r.title(), r.section(), r.manual(),
            r.procedure(), list));
      }
      linked.add(new Framework(f.id(), f.title(), f.version(), f.description(), f.url(),
          requirements));
    }
    if (!problems.isEmpty()) {
      throw new LibraryException(problems);
    }
    return new Library(controls, linked);
  }

  private static List<String> concat(String first, List<String> rest) {
    List<String> all = new ArrayList<>(rest.size() + 1);
    all.add(first);
    all.addAll(rest);
    return all;
  }

  /** Every control, sorted by id. */
  public List<Control> controls() {
    return controls;
  }

  /** The control with this id or alias, or null. */
  public Control control(String idOrAlias) {
    return byId.get(idOrAlias);
  }

  /** Every framework, sorted by id. */
  public List<Framework> frameworks() {
    return frameworks;
  }

  /**
   * The controls that count toward a framework at a policy version: those that count toward at
   * least one of its requirements ({@link #countedControls(Framework.Requirement, PolicyVersion,
   * Function)}).
   */
  public Set<String> frameworkControls(Framework framework, PolicyVersion version) {
    return countedControls(framework, version, byId::get);
  }

  /**
   * The controls that count toward a framework at a policy version, among those {@code lookup}
   * finds (it answers null for a control that is not there): the union of what counts toward
   * each requirement.
   */
  public static Set<String> countedControls(Framework framework, PolicyVersion version,
      Function<String, Control> lookup) {
    Set<String> ids = new TreeSet<>();
    for (Framework.Requirement r : framework.requirements()) {
      ids.addAll(countedControls(r, version, lookup));
    }
    return ids;
  }

  /**
   * The controls that count toward one requirement at a policy version: those it names that exist
   * at that version, less the Pod Security checks that another of its Pod Security checks
   * overrides there (as Pod Security Admission runs a restricted check instead of the baseline
   * check it supersedes, even where the restricted one exempts a pod the baseline one would
   * refuse).
   *
   * <p>Other overrides only merge findings on a shared field: both controls still count, since
   * the overriding one may flag less (mutable-image-tags reports the {@code latest} images that
   * unpinned-images would, and no others). And an override counts only within a requirement: a
   * control verifies its own requirement whatever another requirement's controls override
   * (NET_RAW dropped, say, next to a requirement that every capability be dropped).
   */
  public static Set<String> countedControls(Framework.Requirement requirement,
      PolicyVersion version, Function<String, Control> lookup) {
    Set<String> ids = new TreeSet<>();
    Set<String> overridden = new HashSet<>();
    List<Control> present = new ArrayList<>();
    for (String id : requirement.controls()) {
      Control c = lookup.apply(id);
      if (c != null && c.availableAt(version)) {
        ids.add(c.id());
        present.add(c);
      }
    }
    for (Control c : present) {
      if (c.pss() == null) {
        continue;
      }
      for (String o : c.overrides()) {
        Control other = lookup.apply(o);
        if (other != null && other.pss() != null) {
          overridden.add(other.id());
        }
      }
    }
    ids.removeAll(overridden);
    return ids;
  }

  /** The framework with this id, or null. */
  public Framework framework(String id) {
    return frameworksById.get(id);
  }
}
