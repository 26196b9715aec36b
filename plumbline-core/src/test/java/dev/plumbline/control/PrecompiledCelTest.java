package dev.plumbline.control;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cel.common.CelAbstractSyntaxTree;
import java.io.ByteArrayInputStream;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PrecompiledCelTest {
  private static final String EXPRESSION = "object.?spec.?replicas.orValue(1) > 1";

  private static Map<String, CelAbstractSyntaxTree> compiledOne() {
    CelSupport cel = CelSupport.get();
    cel.compile(Target.RESOURCE, EXPRESSION, CelSupport.Result.BOOL);
    String key = Target.RESOURCE + "\n" + CelSupport.Result.BOOL + "\n" + EXPRESSION;
    return Map.of(key, cel.compiledAsts().get(key));
  }

  @Test
  void storedExpressionsReadBackAsTheSameCheckedTree() throws Exception {
    Map<String, CelAbstractSyntaxTree> asts = compiledOne();
    String fingerprint = CelSupport.get().fingerprint();
    byte[] file = PrecompiledCel.write(fingerprint, asts);
    PrecompiledCel read = PrecompiledCel.read(new ByteArrayInputStream(file), fingerprint);
    String key = asts.keySet().iterator().next();
    assertThat(read.size()).isEqualTo(1);
    CelAbstractSyntaxTree back = read.lookup(key);
    assertThat(back).isNotNull();
    assertThat(back.isChecked()).isTrue();
    assertThat(back.getResultType()).isEqualTo(asts.get(key).getResultType());
    assertThat(back.getExpr()).isEqualTo(asts.get(key).getExpr());
    assertThat(back.getTypeMap()).isEqualTo(asts.get(key).getTypeMap());
    assertThat(back.getReferenceMap()).isEqualTo(asts.get(key).getReferenceMap());
    // the lighter form for planning: the same tree and references, the result's type only
    CelAbstractSyntaxTree light = read.lookupForPlanning(key);
    assertThat(light.getExpr()).isEqualTo(asts.get(key).getExpr());
    assertThat(light.getReferenceMap()).isEqualTo(asts.get(key).getReferenceMap());
    assertThat(light.getResultType()).isEqualTo(asts.get(key).getResultType());
    assertThat(light.getTypeMap()).hasSize(1);
    assertThat(read.lookup(key + " ")).isNull();
    assertThat(read.lookupForPlanning(key + " ")).isNull();
    // same library, same bytes
    assertThat(PrecompiledCel.write(fingerprint, asts)).isEqualTo(file);
  }

  @Test
  void aFileForAnotherEnvironmentIsIgnoredAsAWhole() throws Exception {
    byte[] file = PrecompiledCel.write("another environment", compiledOne());
    PrecompiledCel read = PrecompiledCel.read(new ByteArrayInputStream(file),
        CelSupport.get().fingerprint());
    assertThat(read.size()).isZero();
  }

  @Test
  void aDamagedFileIsIgnored() {
    byte[] garbage = "plumbline-cel-1 but not really".getBytes(java.nio.charset.StandardCharsets.UTF_8);
    assertThat(PrecompiledCel.fromClasspath("x").size()).isZero(); // none on the core's classpath
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> PrecompiledCel.read(
        new ByteArrayInputStream(garbage), "x")).isInstanceOf(java.io.IOException.class);
  }
}
