package dev.plumbline.output;

import static org.assertj.core.api.Assertions.assertThat;

import dev.plumbline.scan.ScanResult;
import java.io.StringReader;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;
import org.xml.sax.InputSource;

class JunitOutputTest {
  static Document parse(String xml) throws Exception {
    DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
    factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
    return factory.newDocumentBuilder().parse(new InputSource(new StringReader(xml)));
  }

  private static Document junit(ScanResult result) throws Exception {
    return parse(Scans.render(OutputFormat.JUNIT, result));
  }

  private static Element suite(Document doc, String name) {
    NodeList suites = doc.getElementsByTagName("testsuite");
    for (int i = 0; i < suites.getLength(); i++) {
      Element e = (Element) suites.item(i);
      if (e.getAttribute("name").equals(name)) {
        return e;
      }
    }
    throw new AssertionError("no suite " + name);
  }

  private static Element testcase(Element suite, String classname) {
    NodeList cases = suite.getElementsByTagName("testcase");
    for (int i = 0; i < cases.getLength(); i++) {
      Element e = (Element) cases.item(i);
      if (e.getAttribute("classname").equals(classname)) {
        return e;
      }
    }
    throw new AssertionError("no testcase " + classname);
  }

  @Test
  void scanOutputIsValidAgainstTheJenkinsSchema() {
    assertThat(Schemas.junit(Scans.render(OutputFormat.JUNIT, Scans.golden()))).isEmpty();
  }

  @Test
  void liveAndEmptyScansAreValidAgainstTheJenkinsSchema() {
    assertThat(Schemas.junit(Scans.render(OutputFormat.JUNIT, Scans.live(LiveObjects.all()))))
        .isEmpty();
    assertThat(Schemas.junit(Scans.render(OutputFormat.JUNIT, Scans.empty()))).isEmpty();
  }

  @Test
  void jenkinsSchemaRejectsTimesWithMoreThanThreeDecimals() {
    String bad = Scans.render(OutputFormat.JUNIT, Scans.golden())
        .replaceFirst("time=\"0.000\"", "time=\"0.0001\"");
    assertThat(Schemas.junit(bad)).isNotEmpty();
  }

  @Test
  void oneSuitePerControlAndOneCasePerJudgedResource() throws Exception {
    Document doc = junit(Scans.golden());
    Element privileged = suite(doc, "test-privileged");
    assertThat(privileged.getAttribute("tests")).isEqualTo("3");
    assertThat(privileged.getAttribute("failures")).isEqualTo("2");
    Element passing = testcase(privileged, "Deployment/shop/web");
    assertThat(passing.getAttribute("name")).isEqualTo("test-privileged");
    assertThat(passing.getChildNodes().getLength()).isZero();
    assertThat(suite(doc, "test-namespace-enforce").getAttribute("tests")).isEqualTo("2");
  }

  @Test
  void failureListsFindingsWithSeverityAsType() throws Exception {
    Element failure = (Element) testcase(suite(junit(Scans.golden()), "test-privileged"),
        "DaemonSet/monitoring/node-agent").getElementsByTagName("failure").item(0);
    assertThat(failure.getAttribute("type")).isEqualTo("critical");
    assertThat(failure.getAttribute("message")).isEqualTo("Container \"setup\" runs privileged.");
    assertThat(failure.getTextContent())
        .contains("spec.template.spec.initContainers[0].securityContext.privileged = true")
        .contains("manifests/agent.yaml:18")
        .contains("fix: Remove `securityContext.privileged` or set it to `false`.");
  }

  @Test
  void suppressedPairIsSkippedWithTheException() throws Exception {
    Element testcase = testcase(suite(junit(Scans.golden()), "test-host-network"),
        "DaemonSet/monitoring/node-agent");
    Element skipped = (Element) testcase.getElementsByTagName("skipped").item(0);
    assertThat(skipped.getAttribute("message")).isEqualTo("exception: The agent reads node "
        + "metrics from the host network namespace. (platform-team@example.com, expires "
        + "2027-03-31)");
    assertThat(suite(junit(Scans.golden()), "test-host-network").getAttribute("skipped"))
        .isEqualTo("1");
  }

  @Test
  void inputErrorsFormASuiteOfErrors() throws Exception {
    Document doc = junit(Scans.golden());
    Element input = suite(doc, "input errors");
    assertThat(input.getAttribute("errors")).isEqualTo("1");
    assertThat(doc.getDocumentElement().getAttribute("errors")).isEqualTo("1");
    assertThat(doc.getDocumentElement().getAttribute("tests")).isEqualTo("12");
  }

  @Test
  void suiteWithNothingJudgedHasNoCases() throws Exception {
    Element suite = suite(junit(Scans.empty()), "test-privileged");
    assertThat(suite.getAttribute("tests")).isEqualTo("0");
    assertThat(suite.getElementsByTagName("testcase").getLength()).isZero();
  }
}
