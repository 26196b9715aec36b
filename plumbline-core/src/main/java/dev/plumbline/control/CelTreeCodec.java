package dev.plumbline.control;

import com.google.common.collect.ImmutableList;
import com.google.common.primitives.UnsignedLong;
import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.CelSource;
import dev.cel.common.ast.CelConstant;
import dev.cel.common.ast.CelExpr;
import dev.cel.common.ast.CelReference;
import dev.cel.common.types.CelType;
import dev.cel.common.types.ListType;
import dev.cel.common.types.MapType;
import dev.cel.common.types.SimpleType;
import dev.cel.common.values.CelByteString;
import dev.cel.common.values.NullValue;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * What {@link CelPlan} needs of a checked expression (its tree, its references and the type of
 * its result), written as plain data: reading it back makes the objects directly, where the
 * protobuf form of cel-java is first parsed into messages and then converted (a quarter of the
 * time the built-in library took to load). Source positions and the types of inner nodes are left
 * out; the interpreter gets the whole protobuf form (see {@link PrecompiledCel}).
 *
 * <p>Forms this codec does not know (timestamp and duration literals, types other than the simple
 * ones, lists and maps) make {@link #write} fail: such an expression is then not stored, and is
 * compiled when the library loads.
 */
final class CelTreeCodec {
  private static final int NOT_SET = 0;
  private static final int CONSTANT = 1;
  private static final int IDENT = 2;
  private static final int SELECT = 3;
  private static final int CALL = 4;
  private static final int LIST = 5;
  private static final int STRUCT = 6;
  private static final int MAP = 7;
  private static final int COMPREHENSION = 8;

  private static final List<CelType> SIMPLE_TYPES = List.of(SimpleType.ERROR, SimpleType.DYN,
      SimpleType.ANY, SimpleType.BOOL, SimpleType.BYTES, SimpleType.DOUBLE, SimpleType.DURATION,
      SimpleType.INT, SimpleType.NULL_TYPE, SimpleType.STRING, SimpleType.TIMESTAMP,
      SimpleType.UINT);
  private static final int LIST_TYPE = 100;
  private static final int MAP_TYPE = 101;

  private CelTreeCodec() {}

  /**
   * Writes a checked expression's tree, references and result type.
   *
   * @throws IllegalArgumentException for a form the codec does not know
   */
  static void write(CelAbstractSyntaxTree ast, DataOutput out) throws IOException {
    if (!ast.isChecked()) {
      throw new IllegalArgumentException("not type-checked");
    }
    expr(ast.getExpr(), out);
    Map<Long, CelReference> references = new TreeMap<>(ast.getReferenceMap());
    out.writeInt(references.size());
    for (Map.Entry<Long, CelReference> e : references.entrySet()) {
      CelReference r = e.getValue();
      out.writeLong(e.getKey());
      string(r.name(), out);
      out.writeInt(r.overloadIds().size());
      for (String id : r.overloadIds()) {
        string(id, out);
      }
      out.writeBoolean(r.value().isPresent());
      if (r.value().isPresent()) {
        constant(r.value().get(), out);
      }
    }
    type(ast.getResultType(), out);
  }

  /** Reads what {@link #write} wrote. */
  static CelAbstractSyntaxTree read(DataInput in) throws IOException {
    CelExpr root = expr(in);
    int n = count(in);
    Map<Long, CelReference> references = new HashMap<>(n * 2);
    for (int i = 0; i < n; i++) {
      long id = in.readLong();
      CelReference.Builder r = CelReference.newBuilder().setName(string(in));
      int overloads = count(in);
      for (int j = 0; j < overloads; j++) {
        r.addOverloadIds(string(in));
      }
      if (in.readBoolean()) {
        r.setValue(constant(in));
      }
      references.put(id, r.build());
    }
    CelType result = type(in);
    return CelAbstractSyntaxTree.newCheckedAst(root, CelSource.newBuilder().build(), references,
        Map.of(root.id(), result));
  }

  private static void expr(CelExpr e, DataOutput out) throws IOException {
    switch (e.getKind()) {
      case NOT_SET -> {
        out.writeByte(NOT_SET);
        out.writeLong(e.id());
      }
      case CONSTANT -> {
        out.writeByte(CONSTANT);
        out.writeLong(e.id());
        constant(e.constant(), out);
      }
      case IDENT -> {
        out.writeByte(IDENT);
        out.writeLong(e.id());
        string(e.ident().name(), out);
      }
      case SELECT -> {
        out.writeByte(SELECT);
        out.writeLong(e.id());
        expr(e.select().operand(), out);
        string(e.select().field(), out);
        out.writeBoolean(e.select().testOnly());
      }
      case CALL -> {
        out.writeByte(CALL);
        out.writeLong(e.id());
        out.writeBoolean(e.call().target().isPresent());
        if (e.call().target().isPresent()) {
          expr(e.call().target().get(), out);
        }
        string(e.call().function(), out);
        exprs(e.call().args(), out);
      }
      case LIST -> {
        out.writeByte(LIST);
        out.writeLong(e.id());
        exprs(e.list().elements(), out);
        out.writeInt(e.list().optionalIndices().size());
        for (int i : e.list().optionalIndices()) {
          out.writeInt(i);
        }
      }
      case STRUCT -> {
        out.writeByte(STRUCT);
        out.writeLong(e.id());
        string(e.struct().messageName(), out);
        out.writeInt(e.struct().entries().size());
        for (CelExpr.CelStruct.Entry entry : e.struct().entries()) {
          out.writeLong(entry.id());
          string(entry.fieldKey(), out);
          expr(entry.value(), out);
          out.writeBoolean(entry.optionalEntry());
        }
      }
      case MAP -> {
        out.writeByte(MAP);
        out.writeLong(e.id());
        out.writeInt(e.map().entries().size());
        for (CelExpr.CelMap.Entry entry : e.map().entries()) {
          out.writeLong(entry.id());
          expr(entry.key(), out);
          expr(entry.value(), out);
          out.writeBoolean(entry.optionalEntry());
        }
      }
      case COMPREHENSION -> {
        CelExpr.CelComprehension c = e.comprehension();
        out.writeByte(COMPREHENSION);
        out.writeLong(e.id());
        string(c.iterVar(), out);
        string(c.iterVar2(), out);
        expr(c.iterRange(), out);
        string(c.accuVar(), out);
        expr(c.accuInit(), out);
        expr(c.loopCondition(), out);
        expr(c.loopStep(), out);
        expr(c.result(), out);
      }
      default -> throw new IllegalArgumentException("expression kind " + e.getKind());
    }
  }

  private static CelExpr expr(DataInput in) throws IOException {
    int tag = in.readUnsignedByte();
    long id = in.readLong();
    return switch (tag) {
      case NOT_SET -> CelExpr.ofNotSet(id);
      case CONSTANT -> CelExpr.ofConstant(id, constant(in));
      case IDENT -> CelExpr.ofIdent(id, string(in));
      case SELECT -> {
        CelExpr operand = expr(in);
        yield CelExpr.ofSelect(id, operand, string(in), in.readBoolean());
      }
      case CALL -> {
        Optional<CelExpr> target = in.readBoolean() ? Optional.of(expr(in)) : Optional.empty();
        String function = string(in);
        yield CelExpr.ofCall(id, target, function, exprs(in));
      }
      case LIST -> {
        ImmutableList<CelExpr> elements = exprs(in);
        int n = count(in);
        ImmutableList.Builder<Integer> optional = ImmutableList.builderWithExpectedSize(n);
        for (int i = 0; i < n; i++) {
          optional.add(in.readInt());
        }
        yield CelExpr.ofList(id, elements, optional.build());
      }
      case STRUCT -> {
        String message = string(in);
        int n = count(in);
        ImmutableList.Builder<CelExpr.CelStruct.Entry> entries =
            ImmutableList.builderWithExpectedSize(n);
        for (int i = 0; i < n; i++) {
          long entryId = in.readLong();
          String field = string(in);
          CelExpr value = expr(in);
          entries.add(CelExpr.ofStructEntry(entryId, field, value, in.readBoolean()));
        }
        yield CelExpr.ofStruct(id, message, entries.build());
      }
      case MAP -> {
        int n = count(in);
        ImmutableList.Builder<CelExpr.CelMap.Entry> entries =
            ImmutableList.builderWithExpectedSize(n);
        for (int i = 0; i < n; i++) {
          long entryId = in.readLong();
          CelExpr key = expr(in);
          CelExpr value = expr(in);
          entries.add(CelExpr.ofMapEntry(entryId, key, value, in.readBoolean()));
        }
        yield CelExpr.ofMap(id, entries.build());
      }
      case COMPREHENSION -> {
        String iterVar = string(in);
        String iterVar2 = string(in);
        CelExpr range = expr(in);
        String accuVar = string(in);
        CelExpr init = expr(in);
        CelExpr condition = expr(in);
        CelExpr step = expr(in);
        CelExpr result = expr(in);
        yield CelExpr.ofComprehension(id, iterVar, iterVar2, range, accuVar, init, condition,
            step, result);
      }
      default -> throw new IOException("bad expression tag " + tag);
    };
  }

  private static void exprs(List<CelExpr> list, DataOutput out) throws IOException {
    out.writeInt(list.size());
    for (CelExpr e : list) {
      expr(e, out);
    }
  }

  private static ImmutableList<CelExpr> exprs(DataInput in) throws IOException {
    int n = count(in);
    ImmutableList.Builder<CelExpr> list = ImmutableList.builderWithExpectedSize(n);
    for (int i = 0; i < n; i++) {
      list.add(expr(in));
    }
    return list.build();
  }

  private static void constant(CelConstant c, DataOutput out) throws IOException {
    switch (c.getKind()) {
      case NOT_SET -> out.writeByte(0);
      case NULL_VALUE -> out.writeByte(1);
      case BOOLEAN_VALUE -> {
        out.writeByte(2);
        out.writeBoolean(c.booleanValue());
      }
      case INT64_VALUE -> {
        out.writeByte(3);
        out.writeLong(c.int64Value());
      }
      case UINT64_VALUE -> {
        out.writeByte(4);
        out.writeLong(c.uint64Value().longValue());
      }
      case DOUBLE_VALUE -> {
        out.writeByte(5);
        out.writeDouble(c.doubleValue());
      }
      case STRING_VALUE -> {
        out.writeByte(6);
        string(c.stringValue(), out);
      }
      case BYTES_VALUE -> {
        out.writeByte(7);
        bytes(c.bytesValue().toByteArray(), out);
      }
      default -> throw new IllegalArgumentException("constant kind " + c.getKind());
    }
  }

  private static CelConstant constant(DataInput in) throws IOException {
    int tag = in.readUnsignedByte();
    return switch (tag) {
      case 0 -> CelConstant.ofNotSet();
      case 1 -> CelConstant.ofValue(NullValue.NULL_VALUE);
      case 2 -> CelConstant.ofValue(in.readBoolean());
      case 3 -> CelConstant.ofValue(in.readLong());
      case 4 -> CelConstant.ofValue(UnsignedLong.fromLongBits(in.readLong()));
      case 5 -> CelConstant.ofValue(in.readDouble());
      case 6 -> CelConstant.ofValue(string(in));
      case 7 -> CelConstant.ofValue(CelByteString.of(bytes(in)));
      default -> throw new IOException("bad constant tag " + tag);
    };
  }

  private static void type(CelType t, DataOutput out) throws IOException {
    int simple = SIMPLE_TYPES.indexOf(t);
    if (simple >= 0) {
      out.writeByte(simple);
    } else if (t instanceof ListType list && list.hasElemType()) {
      out.writeByte(LIST_TYPE);
      type(list.elemType(), out);
    } else if (t instanceof MapType map) {
      out.writeByte(MAP_TYPE);
      type(map.keyType(), out);
      type(map.valueType(), out);
    } else {
      throw new IllegalArgumentException("type " + t);
    }
  }

  private static CelType type(DataInput in) throws IOException {
    int tag = in.readUnsignedByte();
    if (tag < SIMPLE_TYPES.size()) {
      return SIMPLE_TYPES.get(tag);
    } else if (tag == LIST_TYPE) {
      return ListType.create(type(in));
    } else if (tag == MAP_TYPE) {
      CelType key = type(in);
      return MapType.create(key, type(in));
    }
    throw new IOException("bad type tag " + tag);
  }

  private static void string(String s, DataOutput out) throws IOException {
    bytes(s.getBytes(StandardCharsets.UTF_8), out);
  }

  private static String string(DataInput in) throws IOException {
    return new String(bytes(in), StandardCharsets.UTF_8);
  }

  private static void bytes(byte[] b, DataOutput out) throws IOException {
    out.writeInt(b.length);
    out.write(b);
  }

  private static byte[] bytes(DataInput in) throws IOException {
    byte[] b = new byte[count(in)];
    in.readFully(b);
    return b;
  }

  private static int count(DataInput in) throws IOException {
    int n = in.readInt();
    if (n < 0 || n > (16 << 20)) {
      throw new IOException("bad length " + n);
    }
    return n;
  }
}
