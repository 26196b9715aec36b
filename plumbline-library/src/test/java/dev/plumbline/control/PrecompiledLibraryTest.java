package dev.plumbline.control;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The build stores every expression of the built-in library type-checked (see PrecompiledCel):
 * checks, {@code when} guards and {@code remediation.skipWhen}. If one were missing, start-up
 * would silently compile it again and be slower.
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
        if (file.lookup(key) == null) {
          missing.add(c.id() + " (since " + v.since() + ")");
        }
      }
      if (c.when() != null) {
        expressions++;
        String key = c.target() + "\n" + CelSupport.Result.BOOL + "\n" + c.when().expression();
        if (file.lookup(key) == null) {
          missing.add(c.id() + " (when)");
        }
      }
      Guard skipWhen = c.remediation().skipWhen();
      if (skipWhen != null) {
        expressions++;
        skipWhens++;
        String key = c.target() + "\n" + CelSupport.Result.BOOL + "\n" + skipWhen.expression();
        if (file.lookup(key) == null) {
          missing.add(c.id() + " (remediation.skipWhen)");
        }
      }
    }
    assertThat(expressions).isGreaterThan(100);
    assertThat(skipWhens).isGreaterThan(0);
    assertThat(missing).as("expressions missing from " + PrecompiledCel.RESOURCE
        + " (run the build: mvn process-classes -pl plumbline-library)").isEmpty();
  }
}
