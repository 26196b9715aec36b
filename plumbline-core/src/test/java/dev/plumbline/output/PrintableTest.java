package dev.plumbline.output;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PrintableTest {
  @Test
  void plainTextIsUnchanged() {
    String text = "Container \"app\" runs as root: caf\u00e9 \u4e2d \ud83d\ude00 <&>";
    assertThat(Printable.of(text)).isSameAs(text);
  }

  @Test
  void controlCharactersBecomeVisibleEscapes() {
    assertThat(Printable.of("a\nb\rc\td\u001b[31me\u0000f\u007fg\u009bh"))
        .isEqualTo("a\\nb\\rc\\td\\u001b[31me\\u0000f\\u007fg\\u009bh");
  }

  @Test
  void lineSeparatorsBidiControlsAndLoneSurrogatesAreEscaped() {
    assertThat(Printable.of("x\u2028y\u202ez\u2066w\ufeffv\ud800u"))
        .isEqualTo("x\\u2028y\\u202ez\\u2066w\\ufeffv\\ud800u");
  }

  @Test
  void longTextIsCutWithTheCountOfWhatWasLeftOut() {
    assertThat(Printable.of("abcdefghij", 4)).isEqualTo("abcd... (6 more characters)");
    assertThat(Printable.of("abcd", 4)).isEqualTo("abcd");
  }

  @Test
  void cutNeverSplitsASurrogatePair() {
    assertThat(Printable.of("abc\ud83d\ude00def", 4)).isEqualTo("abc... (5 more characters)");
  }

  @Test
  void nullIsEmpty() {
    assertThat(Printable.of(null)).isEmpty();
  }
}
