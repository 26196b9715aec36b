package dev.plumbline.output;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.StringWriter;
import java.util.List;
import org.junit.jupiter.api.Test;

class OutputFormatTest {
  @Test
  void parsesEveryLowerCaseName() {
    for (OutputFormat f : OutputFormat.values()) {
      assertThat(OutputFormat.parse(f.label())).isEqualTo(f);
    }
    assertThat(OutputFormat.parse("policyreport")).isEqualTo(OutputFormat.POLICYREPORT);
    assertThat(OutputFormat.parse(" SARIF ")).isEqualTo(OutputFormat.SARIF);
  }

  @Test
  void unknownNameIsAnErrorListingTheChoices() {
    assertThatThrownBy(() -> OutputFormat.parse("yaml"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("unknown output format 'yaml' "
            + "(expected table, json, sarif, junit, policyreport)");
    assertThatThrownBy(() -> OutputFormat.parse(null))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void labelsAreTheCommandLineNames() {
    assertThat(OutputFormat.labels())
        .containsExactly("table", "json", "sarif", "junit", "policyreport");
  }

  @Test
  void writeFlushesButLeavesTheWriterOpen() throws IOException {
    for (OutputFormat f : OutputFormat.values()) {
      RecordingWriter out = new RecordingWriter();
      f.write(Scans.golden(), Scans.CONTEXT, out);
      assertThat(out.flushed).as(f.label()).isTrue();
      assertThat(out.closed).as(f.label()).isFalse();
      assertThat(out.toString()).as(f.label()).isNotEmpty().endsWith("\n");
    }
  }

  @Test
  void contextCopiesItsLists() {
    List<String> args = new java.util.ArrayList<>(List.of("scan"));
    OutputContext context = new OutputContext("1.0", false, args, List.of());
    args.add("more");
    assertThat(context.commandLine()).containsExactly("scan");
  }

  private static final class RecordingWriter extends StringWriter {
    boolean flushed;
    boolean closed;

    @Override
    public void flush() {
      flushed = true;
      super.flush();
    }

    @Override
    public void close() throws IOException {
      closed = true;
      super.close();
    }
  }
}
