package dev.plumbline.output;

import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SchemaRegistryConfig;
import com.networknt.schema.SpecificationVersion;
import dev.plumbline.resource.ManifestReader;
import dev.plumbline.resource.Resource;
import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.xml.XMLConstants;
import javax.xml.transform.stream.StreamSource;
import javax.xml.validation.SchemaFactory;
import javax.xml.validation.Validator;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.xml.sax.ErrorHandler;
import org.xml.sax.SAXException;
import org.xml.sax.SAXParseException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Validation of outputs against the official schemas vendored in
 * {@code src/test/resources/schemas} (see the README there) and against Plumbline's own JSON
 * schema in {@code docs/schema}. Each method returns the problems, empty when the output is valid.
 */
final class Schemas {
  static final Path VENDORED = Path.of("src/test/resources/schemas");
  static final JsonMapper JSON = JsonMapper.builder().build();

  private static Schema scanResult;
  private static Schema sarif;
  private static final Map<String, Schema> POLICY_REPORTS = new HashMap<>();

  private Schemas() {}

  static Path repoRoot() {
    return Path.of(System.getProperty("plumbline.repoRoot", "..")).toAbsolutePath().normalize();
  }

  /** Against docs/schema/scan-result.schema.json (draft 2020-12, formats asserted). */
  static synchronized List<String> scanResult(String json) {
    if (scanResult == null) {
      scanResult = load(SpecificationVersion.DRAFT_2020_12,
          read(repoRoot().resolve("docs/schema/scan-result.schema.json")));
    }
    return errors(scanResult, JSON.readTree(json));
  }

  /** Against the OASIS SARIF 2.1.0 errata01 schema (draft-04, formats asserted). */
  static synchronized List<String> sarif(String json) {
    if (sarif == null) {
      sarif = load(SpecificationVersion.DRAFT_4,
          read(VENDORED.resolve("sarif-schema-2.1.0.json")));
    }
    return errors(sarif, JSON.readTree(json));
  }

  /** Against the Jenkins / Surefire junit-10.xsd. */
  static List<String> junit(String xml) {
    List<String> problems = new ArrayList<>();
    try {
      SchemaFactory factory = SchemaFactory.newInstance(XMLConstants.W3C_XML_SCHEMA_NS_URI);
      Validator validator = factory.newSchema(VENDORED.resolve("junit-10.xsd").toFile())
          .newValidator();
      validator.setErrorHandler(new ErrorHandler() {
        @Override
        public void warning(SAXParseException e) {}

        @Override
        public void error(SAXParseException e) {
          problems.add(e.getLineNumber() + ": " + e.getMessage());
        }

        @Override
        public void fatalError(SAXParseException e) {
          problems.add(e.getLineNumber() + ": " + e.getMessage());
        }
      });
      validator.validate(new StreamSource(new StringReader(xml)));
    } catch (SAXException e) {
      problems.add(e.getMessage());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return problems;
  }

  /**
   * Reads a PolicyReport YAML stream the way Kubernetes does (Plumbline's own reader, YAML 1.1
   * scalars) and validates every document against the openAPIV3Schema of its CRD, made strict:
   * the CRDs allow unknown fields (the API server prunes them), so a misspelt key would pass;
   * here every object schema with properties forbids other keys.
   */
  static List<String> policyReport(String yaml) {
    ManifestReader.Result read = new ManifestReader().readString("report.yaml", yaml);
    List<String> problems = new ArrayList<>();
    read.errors().forEach(e -> problems.add(e.toString()));
    read.notes().forEach(n -> problems.add(n.toString()));
    for (Resource r : read.resources()) {
      Schema schema = policyReportSchema(r.kind());
      if (schema == null) {
        problems.add("unexpected kind " + r.kind());
        continue;
      }
      errors(schema, JsonNodes.value(r.object())).forEach(e -> problems.add(r + ": " + e));
    }
    return problems;
  }

  /** The documents of a YAML stream as Kubernetes reads them. */
  static List<Map<String, Object>> readKubernetesYaml(String yaml) {
    ManifestReader.Result read = new ManifestReader().readString("report.yaml", yaml);
    if (!read.errors().isEmpty()) {
      throw new AssertionError(read.errors().toString());
    }
    return read.resources().stream().map(Resource::object).toList();
  }

  private static synchronized Schema policyReportSchema(String kind) {
    String file = switch (kind) {
      case "PolicyReport" -> "wgpolicyk8s.io_policyreports.yaml";
      case "ClusterPolicyReport" -> "wgpolicyk8s.io_clusterpolicyreports.yaml";
      default -> null;
    };
    if (file == null) {
      return null;
    }
    return POLICY_REPORTS.computeIfAbsent(kind, k -> {
      Object crd = new Load(LoadSettings.builder().build())
          .loadFromString(read(VENDORED.resolve(file)));
      JsonNode schema = JsonNodes.value(crd).at("/spec/versions/0/schema/openAPIV3Schema");
      strict(schema);
      return load(SpecificationVersion.DRAFT_4, schema.toString());
    });
  }

  /** Forbids unknown keys in every object schema that lists its properties. */
  private static void strict(JsonNode schema) {
    if (!(schema instanceof ObjectNode o)) {
      return;
    }
    JsonNode properties = o.get("properties");
    if (properties != null) {
      if (!o.has("additionalProperties") && !o.has("x-kubernetes-preserve-unknown-fields")) {
        o.put("additionalProperties", false);
      }
      for (JsonNode property : properties) {
        strict(property);
      }
    }
    strict(o.get("items"));
    strict(o.get("additionalProperties"));
    for (String combinator : List.of("allOf", "anyOf", "oneOf")) {
      JsonNode list = o.get(combinator);
      if (list != null) {
        list.forEach(Schemas::strict);
      }
    }
  }

  private static Schema load(SpecificationVersion version, String schema) {
    SchemaRegistry registry = SchemaRegistry.withDefaultDialect(version,
        b -> b.schemaRegistryConfig(
            SchemaRegistryConfig.builder().formatAssertionsEnabled(true).build()));
    return registry.getSchema(JSON.readTree(schema));
  }

  private static List<String> errors(Schema schema, JsonNode instance) {
    List<String> problems = new ArrayList<>();
    for (com.networknt.schema.Error e : schema.validate(instance)) {
      problems.add(e.getInstanceLocation() + " " + e.getMessage());
    }
    return problems;
  }

  static String read(Path file) {
    try {
      return Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
