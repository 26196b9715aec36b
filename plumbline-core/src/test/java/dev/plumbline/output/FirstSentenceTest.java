package dev.plumbline.output;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class FirstSentenceTest {
  @Test
  void joinsWrappedLinesAndStopsAtTheFirstSentence() {
    assertThat(FirstSentence.of("Remove `privileged` or set it to\n`false`. If the workload"
        + " needs one\nprivileged operation, grant it.")).isEqualTo(
        "Remove `privileged` or set it to `false`.");
  }

  @Test
  void abbreviationsAndNumbersDoNotEndASentence() {
    assertThat(FirstSentence.of("Pin a digest (e.g. Nginx@sha256). Then roll out."))
        .isEqualTo("Pin a digest (e.g. Nginx@sha256).");
    assertThat(FirstSentence.of("1. Drop ALL capabilities. 2. Add back one."))
        .isEqualTo("1. Drop ALL capabilities.");
  }

  @Test
  void stopsAtTheEndOfTheFirstParagraph() {
    assertThat(FirstSentence.of("Set runAsNonRoot\n\nThen rebuild the image"))
        .isEqualTo("Set runAsNonRoot");
  }

  @Test
  void textWithoutSentenceEndIsKeptWhole() {
    assertThat(FirstSentence.of("  Use a Service instead  ")).isEqualTo("Use a Service instead");
    assertThat(FirstSentence.of(null)).isEmpty();
  }

  @Test
  void aSentenceIntroducingAnExampleEndsWithAFullStop() {
    assertThat(FirstSentence.of("Add a LimitRange with defaults that fit, for example:\n\n"
        + "    apiVersion: v1")).isEqualTo("Add a LimitRange with defaults that fit.");
    assertThat(FirstSentence.of("Add a default-deny policy:\n\n    kind: NetworkPolicy"))
        .isEqualTo("Add a default-deny policy.");
  }
}
