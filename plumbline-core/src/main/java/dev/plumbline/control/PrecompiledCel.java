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
  private static final String MAGIC = "plumbline-cel-3";

  /**
   * An expression in two forms: what planning needs, written by {@link CelTreeCodec} (tree,
   * references, the type of the result), and whole, as cel-java's protobuf message, for its
   * interpreter, decoded only if that is ever needed.
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

  /**
   * Writes entries in key order, so the same library gives the same bytes. An expression with a
   * form {@link CelTreeCodec} does not know is left out (and compiled when the library loads).
   */
  static byte[] write(String fingerprint, Map<String, CelAbstractSyntaxTree> asts)
      throws IOException {
    Map<String, CelAbstractSyntaxTree> sorted = new TreeMap<>(asts);
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    int written = 0;
    DataOutputStream out = new DataOutputStream(body);
    for (Map.Entry<String, CelAbstractSyntaxTree> e : sorted.entrySet()) {
      byte[] key = e.getKey().getBytes(StandardCharsets.UTF_8);
      byte[] full = CelProtoAbstractSyntaxTree.fromCelAst(e.getValue()).toCheckedExpr()
          .toByteArray();
      ByteArrayOutputStream planning = new ByteArrayOutputStream();
      try {
        CelTreeCodec.write(e.getValue(), new DataOutputStream(planning));
      } catch (IllegalArgumentException unknownForm) {
        continue;
      }
      byte[] forPlanning = planning.toByteArray();
      out.writeInt(key.length);
      out.write(key);
      out.writeInt(forPlanning.length);
      out.write(forPlanning);
      out.writeInt(full.length);
      out.write(full);
      written++;
    }
    out.flush();
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    DataOutputStream file = new DataOutputStream(bytes);
    file.writeUTF(MAGIC);
    file.writeUTF(fingerprint);
    file.writeInt(written);
    body.writeTo(file);
    file.flush();
    return bytes.toByteArray();
  }

  int size() {
    return entries.size();
  }

  /**
   * The checked expression stored under a key, with what planning needs only (no source
   * positions, the type of the result only), or null.
   */
  CelAbstractSyntaxTree lookupForPlanning(String key) {
    Entry entry = entries.get(key);
    if (entry == null) {
      return null;
    }
    try {
      return CelTreeCodec.read(new DataInputStream(
          new java.io.ByteArrayInputStream(entry.forPlanning())));
    } catch (IOException | RuntimeException e) {
      return null;
    }
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
