package dev.plumbline.output;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Golden files, in the manner of cel-java's baselines: the fixed manifest set of
 * {@code src/test/resources/output/manifests}, judged by the test controls at a fixed time, must
 * give exactly the checked-in output of every format ({@code src/test/resources/output/golden}).
 *
 * <p>After an intended change of an output, rewrite the files and review the diff like code:
 *
 * <pre>
 * ./mvnw -q verify -pl plumbline-core -Dtest=GoldenOutputTest -Dplumbline.updateGolden=true
 * git diff plumbline-core/src/test/resources/output/golden
 * </pre>
 */
class GoldenOutputTest {
  private static final Path GOLDEN = Path.of(Scans.BASE, "golden");
  private static final boolean UPDATE = Boolean.getBoolean("plumbline.updateGolden");

  static Stream<Arguments> outputs() {
    return Stream.of(
        Arguments.of(OutputFormat.TABLE, Scans.CONTEXT, "scan.table.txt"),
        Arguments.of(OutputFormat.TABLE, Scans.COLOR, "scan.table-color.txt"),
        Arguments.of(OutputFormat.JSON, Scans.CONTEXT, "scan.json"),
        Arguments.of(OutputFormat.SARIF, Scans.CONTEXT, "scan.sarif"),
        Arguments.of(OutputFormat.JUNIT, Scans.CONTEXT, "scan.junit.xml"),
        Arguments.of(OutputFormat.POLICYREPORT, Scans.CONTEXT, "scan.policyreport.yaml"));
  }

  @ParameterizedTest(name = "{2}")
  @MethodSource("outputs")
  void matchesTheCheckedInOutput(OutputFormat format, OutputContext context, String file)
      throws IOException {
    String actual = Scans.render(format, Scans.golden(), context);
    Path golden = GOLDEN.resolve(file);
    if (UPDATE) {
      Files.createDirectories(GOLDEN);
      Files.writeString(golden, actual, StandardCharsets.UTF_8);
    }
    assertThat(actual).isEqualTo(Files.readString(golden, StandardCharsets.UTF_8));
  }

  @ParameterizedTest(name = "{2}")
  @MethodSource("outputs")
  void twoScansGiveTheSameBytes(OutputFormat format, OutputContext context, String file) {
    byte[] first = Scans.render(format, Scans.golden(), context).getBytes(StandardCharsets.UTF_8);
    byte[] second = Scans.render(format, Scans.golden(), context).getBytes(StandardCharsets.UTF_8);
    assertThat(second).isEqualTo(first);
  }
}
