package dev.plumbline.control;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cel.common.CelAbstractSyntaxTree;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The build stores every expression of the built-in library type-checked (see PrecompiledCel):
 * checks, {@code when} guards and {@code remediation.skipWhen}. If one were missing, start-up
 * would silently compile it again and be slower. Each is stored twice (see CelTreeCodec): the
 * form planning reads must hold the same tree, references and result type as the whole one.
 */
class PrecompiledLibraryTest {
  @Test
  void everyExpressionOfTheBuiltInLibraryIsPrecompiled() {
    PrecompiledCel file = PrecompiledCel.fromClasspath(CelSupport.get().fingerprint());
    List<String> missing = new ArrayList<>();
    int expressions = 0;
    int skipWhens = 0;
    for (Control c : Library.builtIn().controls()) {
      for (Control.Variant v : c.variants()) {
        expressions++;
        String key = c.target() + "\n" + (v.listsViolations() ? CelSupport.Result.LIST
            : CelSupport.Result.BOOL) + "\n" + v.expression();
        check(file, key, c.id() + " (since " + v.since() + ")", missing);
      }
      if (c.when() != null) {
        expressions++;
        String key = c.target() + "\n" + CelSupport.Result.BOOL + "\n" + c.when().expression();
        check(file, key, c.id() + " (when)", missing);
      }
      Guard skipWhen = c.remediation().skipWhen();
      if (skipWhen != null) {
        expressions++;
        skipWhens++;
        String key = c.target() + "\n" + CelSupport.Result.BOOL + "\n" + skipWhen.expression();
        check(file, key, c.id() + " (remediation.skipWhen)", missing);
      }
    }
    assertThat(expressions).isGreaterThan(100);
    assertThat(skipWhens).isGreaterThan(0);
    assertThat(missing).as("expressions missing from " + PrecompiledCel.RESOURCE
        + " (run the build: mvn process-classes -pl plumbline-library)").isEmpty();
  }

  private static void check(PrecompiledCel file, String key, String what, List<String> missing) {
    CelAbstractSyntaxTree whole = file.lookup(key);
    CelAbstractSyntaxTree planning = file.lookupForPlanning(key);
    if (whole == null || planning == null) {
      missing.add(what);
      return;
    }
    assertThat(planning.getExpr()).as(what).isEqualTo(whole.getExpr());
    assertThat(planning.getReferenceMap()).as(what).isEqualTo(whole.getReferenceMap());
    assertThat(planning.getResultType()).as(what).isEqualTo(whole.getResultType());
  }
}
