package dev.plumbline.control;

import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.CelProtoAbstractSyntaxTree;
import dev.cel.expr.CheckedExpr;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * Type-checked expressions stored at build time, so that loading the built-in library does not
 * parse and type-check its expressions again at every start (that was most of the start-up time
 * of a small scan).
 *
 * <p>Entries are keyed by the full text of what was compiled (target, result kind, expression),
 * so an entry can only ever stand for exactly that expression; anything not found is compiled
 * as usual. The file also records a fingerprint of the CEL environment (declared variables,
 * functions and options): a file made for another environment is ignored as a whole. The build
 * writes it with {@link CelPrecompiler}, after type-checking every expression of the library.
 */
final class PrecompiledCel {
  static final String RESOURCE = "plumbline/library/precompiled-cel.bin";
  private static final String MAGIC = "plumbline-cel-2";

  /**
   * An expression in two forms: with the type of its result only, which is all that planning
   * needs (the type of every node is a third of the file and of its decoding time at start-up),
   * and whole, for cel-java's interpreter, decoded only if that is ever needed.
   */
  private record Entry(byte[] forPlanning, byte[] full) {}

  private final Map<String, Entry> entries;

  private PrecompiledCel(Map<String, Entry> entries) {
    this.entries = entries;
  }

  static PrecompiledCel none() {
    return new PrecompiledCel(Map.of());
  }

  /** The file on the classpath, or none when it is missing, damaged or for another environment. */
  static PrecompiledCel fromClasspath(String fingerprint) {
    ClassLoader loader = PrecompiledCel.class.getClassLoader();
    try (InputStream in = loader == null ? null : loader.getResourceAsStream(RESOURCE)) {
      return in == null ? none() : read(in, fingerprint);
    } catch (IOException | RuntimeException e) {
      return none(); // compiling from source is always correct, only slower
    }
  }

  static PrecompiledCel read(InputStream stream, String fingerprint) throws IOException {
    DataInputStream in = new DataInputStream(stream);
    if (!MAGIC.equals(in.readUTF()) || !fingerprint.equals(in.readUTF())) {
      return none();
    }
    int count = in.readInt();
    Map<String, Entry> entries = new HashMap<>(count * 2);
    for (int i = 0; i < count; i++) {
      String key = new String(bytes(in), StandardCharsets.UTF_8);
      entries.put(key, new Entry(bytes(in), bytes(in)));
    }
    return new PrecompiledCel(entries);
  }

  private static byte[] bytes(DataInputStream in) throws IOException {
    int n = in.readInt();
    if (n < 0 || n > (64 << 20)) {
      throw new IOException("bad entry length " + n);
    }
    byte[] b = new byte[n];
    in.readFully(b);
    return b;
  }

  /** Writes entries in key order, so the same library gives the same bytes. */
  static byte[] write(String fingerprint, Map<String, CelAbstractSyntaxTree> asts)
      throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    DataOutputStream out = new DataOutputStream(bytes);
    out.writeUTF(MAGIC);
    out.writeUTF(fingerprint);
    Map<String, CelAbstractSyntaxTree> sorted = new TreeMap<>(asts);
    out.writeInt(sorted.size());
    for (Map.Entry<String, CelAbstractSyntaxTree> e : sorted.entrySet()) {
      byte[] key = e.getKey().getBytes(StandardCharsets.UTF_8);
      CheckedExpr checked = CelProtoAbstractSyntaxTree.fromCelAst(e.getValue()).toCheckedExpr();
      long root = checked.getExpr().getId();
      byte[] full = checked.toByteArray();
      byte[] forPlanning = checked.toBuilder().clearTypeMap()
          .putTypeMap(root, checked.getTypeMapOrThrow(root)).build().toByteArray();
      out.writeInt(key.length);
      out.write(key);
      out.writeInt(forPlanning.length);
      out.write(forPlanning);
      out.writeInt(full.length);
      out.write(full);
    }
    out.flush();
    return bytes.toByteArray();
  }

  int size() {
    return entries.size();
  }

  /** The checked expression stored under a key, with only its result's type, or null. */
  CelAbstractSyntaxTree lookupForPlanning(String key) {
    Entry entry = entries.get(key);
    return entry == null ? null : decode(entry.forPlanning());
  }

  /** The whole checked expression stored under a key, or null. */
  CelAbstractSyntaxTree lookup(String key) {
    Entry entry = entries.get(key);
    return entry == null ? null : decode(entry.full());
  }

  private static CelAbstractSyntaxTree decode(byte[] b) {
    try {
      return CelProtoAbstractSyntaxTree.fromCheckedExpr(CheckedExpr.parseFrom(b)).getAst();
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }
}
