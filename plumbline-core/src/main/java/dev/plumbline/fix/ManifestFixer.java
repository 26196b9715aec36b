package dev.plumbline.fix;

import dev.plumbline.control.Control;
import dev.plumbline.control.Json;
import dev.plumbline.resource.FieldPath;
import dev.plumbline.resource.InputException;
import dev.plumbline.resource.ManifestReader;
import dev.plumbline.resource.Resource;
import dev.plumbline.resource.ResourceRef;
import dev.plumbline.resource.YamlFile;
import dev.plumbline.scan.Finding;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Applies remediation patches to the text of a manifest file, keeping everything the patches do
 * not change byte for byte: comments, key order, quoting, indentation, flow or block style, line
 * endings and a missing final line break.
 *
 * <p>The patches are applied to the parsed documents first; the difference between each document
 * as read and as patched is then made as edits of the text (see {@link TextEditor}), and the
 * edited text is parsed again and must give exactly the patched documents, or nothing is
 * changed. Files it will not edit ({@link Uneditable}): JSON, YAML with anchors, aliases or merge
 * keys, text that looks templated ({@code {{ }}} outside quoted and block scalars), text that
 * does not parse.
 */
public final class ManifestFixer {
  private ManifestFixer() {}

  /**
   * The text with the patches of {@code findings} applied. The findings come from scanning this
   * very text under the name {@code name}; each control's patch is applied once per resource,
   * at every target its findings name. A finding whose patch is withheld from its target (not
   * {@link Finding#patchable()}: the control's {@code remediation.skipWhen} holds there) changes
   * nothing; the caller leaves it for a person.
   *
   * @throws Uneditable when the file cannot be edited safely, with the reason and line
   */
  public static String fix(String name, String text, List<Finding> findings) {
    if (findings.isEmpty()) {
      return text;
    }
    String bom = text.startsWith("\uFEFF") ? "\uFEFF" : "";
    String body = text.substring(bom.length());
    if (name.toLowerCase(Locale.ROOT).endsWith(".json") || body.stripLeading().startsWith("{")
        || body.stripLeading().startsWith("[")) {
      throw new Uneditable("JSON is not edited (its formatting would not survive): apply the "
          + "change by hand", 0);
    }
    List<YamlFile.Document> documents;
    try {
      documents = YamlFile.parse(name, body);
    } catch (InputException e) {
      throw new Uneditable(e.getMessage(), 0);
    }
    List<YamlTree.Document> tree = YamlTree.parse(body);
    int template = templateMark(body, tree);
    if (template >= 0) {
      throw new Uneditable("looks like a template ({{ ... }}): fix the template, not its output",
          lineOf(body, template));
    }
    if (tree.size() != documents.size()) {
      throw new Uneditable("the documents of the file could not be told apart", 0);
    }
    ManifestReader.Result read = new ManifestReader().readString(name, body);
    if (!read.errors().isEmpty()) {
      throw new Uneditable(read.errors().get(0).toString(), 0);
    }

    // the patched documents, and which findings went into them
    Map<Integer, Object> desired = new LinkedHashMap<>();
    Map<List<Object>, List<FieldPath>> targets = new LinkedHashMap<>();
    Map<List<Object>, Control> controls = new LinkedHashMap<>();
    Map<List<Object>, Finding> firsts = new LinkedHashMap<>();
    for (Finding f : findings) {
      if (!f.control().remediation().hasPatch()) {
        throw new IllegalArgumentException("control " + f.controlId() + " has no patch");
      }
      if (!f.patchable()) {
        continue; // the patch does not fit this target: left for a person
      }
      int doc = f.origin().document();
      FieldPath at = locate(read.resources(), documents, f);
      List<Object> key = List.of(doc, at, f.controlId());
      targets.computeIfAbsent(key, k -> new ArrayList<>());
      if (!targets.get(key).contains(f.targetPath())) {
        targets.get(key).add(f.targetPath());
      }
      controls.put(key, f.control());
      firsts.putIfAbsent(key, f);
    }
    for (Map.Entry<List<Object>, List<FieldPath>> e : targets.entrySet()) {
      int doc = (Integer) e.getKey().get(0);
      FieldPath at = (FieldPath) e.getKey().get(1);
      Object root = desired.computeIfAbsent(doc, d -> Json.deepCopy(documents.get(d).root()));
      @SuppressWarnings("unchecked")
      Map<String, Object> object = (Map<String, Object>) at.lookup(root);
      try {
        controls.get(e.getKey()).remediation().applyInPlace(object, e.getValue());
      } catch (IllegalArgumentException ex) {
        throw new Uneditable("the patch of " + e.getKey().get(2) + " does not fit: "
            + ex.getMessage(), firsts.get(e.getKey()).line());
      }
    }

    TextEditor editor = new TextEditor(body);
    for (Map.Entry<Integer, Object> e : desired.entrySet()) {
      editor.change(tree.get(e.getKey()), documents.get(e.getKey()).root(), e.getValue());
    }
    String result = editor.result();

    // the edited text must read back as exactly the patched documents
    List<YamlFile.Document> check;
    try {
      check = YamlFile.parse(name, result);
    } catch (InputException e) {
      throw new Uneditable("the edit would not parse (" + e.getMessage() + "); not changed", 0);
    }
    if (check.size() != documents.size()) {
      throw new Uneditable("the edit would change the number of documents; not changed", 0);
    }
    for (int i = 0; i < documents.size(); i++) {
      Object want = desired.containsKey(i) ? desired.get(i) : documents.get(i).root();
      if (!Objects.equals(want, check.get(i).root())) {
        throw new Uneditable("the edit would not give the patched document "
            + (i + 1) + "; not changed", documents.get(i).lineOf(FieldPath.ROOT));
      }
    }
    return bom + result;
  }

  /**
   * A map as block-style YAML, in the style the fixer writes new keys (strings plain only when
   * YAML 1.1 reads them back as the same strings, lists of scalars in flow style).
   */
  public static String toYaml(Map<String, Object> value) {
    return value.isEmpty() ? "{}\n" : new TextEditor("").block(value, 0);
  }

  /** Where a finding's resource sits in its document: the root, or {@code items[k]} of a List. */
  private static FieldPath locate(List<Resource> resources, List<YamlFile.Document> documents,
      Finding f) {
    int doc = f.origin().document();
    if (doc < 0 || doc >= documents.size()) {
      throw new Uneditable("finding " + f.id() + " names document " + doc
          + ", which the file does not have (changed since the scan?)", f.line());
    }
    int k = 0;
    boolean found = false;
    for (Resource r : resources) {
      if (r.origin().document() != doc) {
        continue;
      }
      if (r.origin().equals(f.origin()) && sameObject(r.ref(), f.resource())) {
        found = true;
        break;
      }
      k++;
    }
    if (!found) {
      throw new Uneditable(f.resource().display() + " is not in the file any more (changed "
          + "since the scan?)", f.line());
    }
    Object root = documents.get(doc).root();
    if (root instanceof Map<?, ?> m && m.get("kind") instanceof String kind
        && kind.endsWith("List") && m.get("items") instanceof List<?>) {
      return FieldPath.of("items", k);
    }
    return FieldPath.ROOT;
  }

  /**
   * The offset of the first {@code {{} that is not inside a quoted or block scalar (where it is
   * data, such as an alert's text template), or -1.
   */
  private static int templateMark(String text, List<YamlTree.Document> tree) {
    int at = text.indexOf("{{");
    if (at < 0) {
      return -1;
    }
    List<int[]> data = new ArrayList<>();
    for (YamlTree.Document d : tree) {
      quotedScalars(d.root(), data);
    }
    for (; at >= 0; at = text.indexOf("{{", at + 2)) {
      boolean inData = false;
      for (int[] range : data) {
        if (at >= range[0] && at < range[1]) {
          inData = true;
          break;
        }
      }
      if (!inData) {
        return at;
      }
    }
    return -1;
  }

  private static void quotedScalars(YamlTree.Node node, List<int[]> ranges) {
    if (node instanceof YamlTree.Scalar s) {
      if (s.style != org.snakeyaml.engine.v2.common.ScalarStyle.PLAIN) {
        ranges.add(new int[] {s.start, s.end});
      }
    } else if (node instanceof YamlTree.Mapping m) {
      m.keys.forEach(k -> quotedScalars(k, ranges));
      m.values.forEach(v -> quotedScalars(v, ranges));
    } else if (node instanceof YamlTree.Sequence q) {
      q.items.forEach(i -> quotedScalars(i, ranges));
    }
  }

  private static boolean sameObject(ResourceRef a, ResourceRef b) {
    return Objects.equals(a, b);
  }

  private static int lineOf(String text, int offset) {
    int line = 1;
    for (int i = 0; i < offset; i++) {
      if (text.charAt(i) == '\n') {
        line++;
      }
    }
    return line;
  }

  /**
   * Reads a file as UTF-8 text.
   *
   * @throws Uneditable when it is not valid UTF-8, naming the line of the first bad byte
   */
  public static String read(Path file) throws IOException {
    byte[] bytes = Files.readAllBytes(file);
    if (bytes.length >= 2 && ((bytes[0] & 0xff) == 0xfe && (bytes[1] & 0xff) == 0xff
        || (bytes[0] & 0xff) == 0xff && (bytes[1] & 0xff) == 0xfe)) {
      throw new Uneditable("UTF-16 text is not edited: convert the file to UTF-8", 0);
    }
    try {
      return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes))
          .toString();
    } catch (CharacterCodingException e) {
      int line = 1;
      int bad = firstInvalid(bytes);
      for (int i = 0; i < bad; i++) {
        if (bytes[i] == '\n') {
          line++;
        }
      }
      throw new Uneditable("not valid UTF-8 text", line);
    }
  }

  private static int firstInvalid(byte[] bytes) {
    var decoder = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
        .onUnmappableCharacter(CodingErrorAction.REPORT);
    ByteBuffer in = ByteBuffer.wrap(bytes);
    java.nio.CharBuffer out = java.nio.CharBuffer.allocate(bytes.length + 1);
    var result = decoder.decode(in, out, true);
    return result.isError() ? in.position() : bytes.length;
  }

  /**
   * Replaces a file's content atomically: the text goes to a temporary file beside it, which
   * gets the file's permissions and is then moved over it, so a reader sees the old or the new
   * content, never a mix, and a failure leaves the file as it was. A symbolic link is followed:
   * the file it points to is replaced, the link stays.
   */
  public static void write(Path file, String text) throws IOException {
    Path target = file.toRealPath();
    Path dir = target.getParent();
    Path temp = Files.createTempFile(dir, "." + target.getFileName() + ".", ".plumbline-fix");
    try {
      Files.writeString(temp, text, StandardCharsets.UTF_8);
      PosixFileAttributeView posix = Files.getFileAttributeView(target,
          PosixFileAttributeView.class, LinkOption.NOFOLLOW_LINKS);
      if (posix != null) {
        Set<PosixFilePermission> permissions = posix.readAttributes().permissions();
        Files.setPosixFilePermissions(temp, permissions);
      }
      try {
        Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE,
            StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
      }
    } finally {
      Files.deleteIfExists(temp);
    }
  }
}
