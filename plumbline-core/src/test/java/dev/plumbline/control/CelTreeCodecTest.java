package dev.plumbline.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cel.common.CelAbstractSyntaxTree;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.Arrays;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CelTreeCodecTest {
  private static CelAbstractSyntaxTree roundTrip(CelAbstractSyntaxTree ast) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    CelTreeCodec.write(ast, new DataOutputStream(bytes));
    return CelTreeCodec.read(new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())));
  }

  /** Every kind of node, constant and reference the planner reads. */
  @ParameterizedTest
  @ValueSource(strings = {
      "object.?spec.?replicas.orValue(1) > 1",
      "has(object.metadata.labels) && 'app' in object.metadata.labels",
      "[1, 2u, 3.5, 'x', b'\\x00\\xff', null, true, ?object.?x].size() > 0",
      "{'a': 1, ?'b': object.?b}.size() == 1",
      "object.spec.containers.all(c, c.name.startsWith('a')) || object.spec.exists(k, v, k == 'x')",
      "object.spec.containers.map(c, c.image).filter(i, i.matches('^a')).size() == 0",
      "int(object.?n.orValue('1')) + -2 == 1 && type(object) == map",
      "flags(object.args)['--profiling'] != 'false'"})
  void writesWhatItReadsForEveryFormOfTree(String expression) throws Exception {
    String key = Target.RESOURCE + "\n" + CelSupport.Result.BOOL + "\n" + expression;
    CelSupport.get().compile(Target.RESOURCE, expression, CelSupport.Result.BOOL);
    CelAbstractSyntaxTree ast = CelSupport.get().compiledAsts().get(key);
    CelAbstractSyntaxTree back = roundTrip(ast);
    assertThat(back.isChecked()).isTrue();
    assertThat(back.getExpr()).isEqualTo(ast.getExpr());
    assertThat(back.getReferenceMap()).isEqualTo(ast.getReferenceMap());
    assertThat(back.getResultType()).isEqualTo(ast.getResultType());
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 1, 5, 13, 40})
  void aTruncatedFormIsAnError(int cut) throws Exception {
    String expression = "object.spec.containers.all(c, c.name.startsWith('a'))";
    CelSupport.get().compile(Target.RESOURCE, expression, CelSupport.Result.BOOL);
    CelAbstractSyntaxTree ast = CelSupport.get().compiledAsts()
        .get(Target.RESOURCE + "\n" + CelSupport.Result.BOOL + "\n" + expression);
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    CelTreeCodec.write(ast, new DataOutputStream(bytes));
    byte[] truncated = Arrays.copyOf(bytes.toByteArray(), cut);
    assertThatThrownBy(() -> CelTreeCodec.read(
        new DataInputStream(new ByteArrayInputStream(truncated)))).isInstanceOf(IOException.class);
  }

  @org.junit.jupiter.api.Test
  void anUnknownTagIsAnError() {
    byte[] bad = {0x7f, 0, 0, 0, 0, 0, 0, 0, 1};
    assertThatThrownBy(() -> CelTreeCodec.read(
        new DataInputStream(new ByteArrayInputStream(bad)))).isInstanceOf(IOException.class)
        .hasMessageContaining("bad expression tag 127");
  }
}
