package dev.plumbline.output;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The schemas in src/test/resources/schemas are the upstream files their README names. */
class VendoredSchemasTest {
  @Test
  void everyVendoredFileMatchesTheChecksumInItsReadme() throws IOException,
      NoSuchAlgorithmException {
    String readme = Schemas.read(Schemas.VENDORED.resolve("README.md"));
    Map<String, String> expected = new LinkedHashMap<>();
    Matcher row = Pattern.compile("(?m)^\\| `([^`]+)` \\| `([0-9a-f]{64})` \\|$").matcher(readme);
    while (row.find()) {
      expected.put(row.group(1), row.group(2));
    }
    assertThat(expected).containsOnlyKeys("sarif-schema-2.1.0.json", "junit-10.xsd",
        "wgpolicyk8s.io_policyreports.yaml", "wgpolicyk8s.io_clusterpolicyreports.yaml");
    for (Map.Entry<String, String> e : expected.entrySet()) {
      byte[] content = Files.readAllBytes(Schemas.VENDORED.resolve(e.getKey()));
      String actual = HexFormat.of().formatHex(
          MessageDigest.getInstance("SHA-256").digest(content));
      assertThat(actual).as(e.getKey()).isEqualTo(e.getValue());
    }
  }
}
