package dev.plumbline.output;

import dev.plumbline.control.Control;
import dev.plumbline.exceptions.PolicyException;
import dev.plumbline.resource.InputError;
import dev.plumbline.resource.Origin;
import dev.plumbline.scan.ControlResult;
import dev.plumbline.scan.Finding;
import dev.plumbline.scan.ScanResult;
import dev.plumbline.scan.Suppressed;
import java.io.IOException;
import java.io.Writer;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.xml.stream.XMLOutputFactory;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamWriter;

/**
 * JUnit XML, as Jenkins, GitLab and most CI servers read it (the Surefire dialect of
 * {@code junit-10.xsd}): one test suite per control, one test case per control and judged
 * resource. A resource that fails a control is a failure listing its findings; one whose findings
 * an exception covers is skipped. Input errors form one more suite, {@code input errors}, whose
 * cases are errors, so a file that could not be read never leaves the build green.
 *
 * <p>Every text from scanned input goes through {@link Printable}, which also keeps out the
 * characters XML 1.0 cannot hold. Nothing is timed, so every time is {@code 0.000}.
 */
final class JunitWriter implements FormatWriter {
  private static final String TIME = "0.000";
  private static final String INPUT_SUITE = "input errors";
  private static final int MESSAGE_MAX = 500;
  private static final int VALUE_MAX = 200;

  @Override
  public void write(ScanResult result, OutputContext context, Writer out) throws IOException {
    Map<String, List<Judgement>> byControl = new LinkedHashMap<>();
    Map<String, Control> controls = new LinkedHashMap<>();
    for (ControlResult c : result.controls()) {
      byControl.put(c.control().id(), new ArrayList<>());
      controls.put(c.control().id(), c.control());
    }
    for (Judgement j : Judgement.of(result)) {
      byControl.computeIfAbsent(j.control().id(), k -> new ArrayList<>()).add(j);
      controls.putIfAbsent(j.control().id(), j.control());
    }
    String timestamp = result.scannedAt().truncatedTo(ChronoUnit.SECONDS).toString();
    try {
      XMLStreamWriter x = XMLOutputFactory.newDefaultFactory().createXMLStreamWriter(out);
      x.writeStartDocument("UTF-8", "1.0");
      x.writeCharacters("\n");
      x.writeStartElement("testsuites");
      int tests = result.errors().size();
      int failures = 0;
      for (List<Judgement> js : byControl.values()) {
        tests += js.size();
        failures += (int) js.stream().filter(Judgement::failed).count();
      }
      x.writeAttribute("name", "plumbline");
      x.writeAttribute("tests", Integer.toString(tests));
      x.writeAttribute("failures", Integer.toString(failures));
      x.writeAttribute("errors", Integer.toString(result.errors().size()));
      x.writeAttribute("time", TIME);
      for (Map.Entry<String, List<Judgement>> e : byControl.entrySet()) {
        suite(x, controls.get(e.getKey()), e.getValue(), timestamp);
      }
      if (!result.errors().isEmpty()) {
        inputSuite(x, result.errors(), timestamp);
      }
      x.writeCharacters("\n");
      x.writeEndElement();
      x.writeCharacters("\n");
      x.writeEndDocument();
      x.flush();
      x.close();
    } catch (XMLStreamException e) {
      throw e.getCause() instanceof IOException io ? io : new IOException(e.getMessage(), e);
    }
  }

  private static void suite(XMLStreamWriter x, Control control, List<Judgement> judgements,
      String timestamp) throws XMLStreamException {
    long failures = judgements.stream().filter(Judgement::failed).count();
    long skipped = judgements.stream().filter(Judgement::skipped).count();
    x.writeCharacters("\n  ");
    x.writeStartElement("testsuite");
    x.writeAttribute("name", control.id());
    x.writeAttribute("tests", Integer.toString(judgements.size()));
    x.writeAttribute("failures", Long.toString(failures));
    x.writeAttribute("errors", "0");
    x.writeAttribute("skipped", Long.toString(skipped));
    x.writeAttribute("time", TIME);
    x.writeAttribute("timestamp", timestamp);
    x.writeCharacters("\n    ");
    x.writeStartElement("properties");
    property(x, "title", control.title());
    property(x, "category", control.category());
    property(x, "controlVersion", Integer.toString(control.version()));
    property(x, "severity", judgements.isEmpty() ? control.severity().label()
        : judgements.get(0).severity().label());
    x.writeCharacters("\n    ");
    x.writeEndElement();
    for (Judgement j : judgements) {
      testcase(x, j);
    }
    x.writeCharacters("\n  ");
    x.writeEndElement();
  }

  private static void property(XMLStreamWriter x, String name, String value)
      throws XMLStreamException {
    x.writeCharacters("\n      ");
    x.writeEmptyElement("property");
    x.writeAttribute("name", name);
    x.writeAttribute("value", Printable.of(value));
  }

  private static void testcase(XMLStreamWriter x, Judgement j) throws XMLStreamException {
    x.writeCharacters("\n    ");
    boolean empty = !j.failed() && !j.skipped();
    if (empty) {
      x.writeEmptyElement("testcase");
    } else {
      x.writeStartElement("testcase");
    }
    x.writeAttribute("classname", Printable.of(j.resource().display()));
    x.writeAttribute("name", j.control().id());
    if (empty) {
      return;
    }
    x.writeCharacters("\n      ");
    if (j.failed()) {
      x.writeStartElement("failure");
      x.writeAttribute("message", failureMessage(j.open()));
      x.writeAttribute("type", j.severity().label());
      x.writeCharacters(body(j.open()));
    } else {
      PolicyException e = j.suppressed().get(0).exception();
      x.writeStartElement("skipped");
      x.writeAttribute("message", Printable.of("exception: " + e.reason() + " (" + e.owner()
          + ", expires " + e.expires() + ")", MESSAGE_MAX));
      x.writeCharacters(body(j.suppressed().stream().map(Suppressed::finding).toList()));
    }
    x.writeCharacters("      ");
    x.writeEndElement();
    x.writeCharacters("\n    ");
    x.writeEndElement();
  }

  private static String failureMessage(List<Finding> findings) {
    if (findings.size() == 1) {
      return Printable.of(findings.get(0).message(), MESSAGE_MAX);
    }
    StringBuilder sb = new StringBuilder().append(findings.size()).append(" findings: ");
    for (int i = 0; i < findings.size(); i++) {
      sb.append(i == 0 ? "" : "; ").append(findings.get(i).message());
    }
    return Printable.of(sb.toString(), MESSAGE_MAX);
  }

  /** Each finding: path = value, message, where, fix; a blank line between findings. */
  private static String body(List<Finding> findings) {
    StringBuilder sb = new StringBuilder("\n");
    for (int i = 0; i < findings.size(); i++) {
      Finding f = findings.get(i);
      if (i > 0) {
        sb.append('\n');
      }
      sb.append(Printable.of(f.path().toString())).append(" = ")
          .append(Printable.of(Values.display(f.value()), VALUE_MAX)).append('\n');
      sb.append(Printable.of(f.message(), MESSAGE_MAX)).append('\n');
      sb.append("at ").append(Printable.of(where(f.origin(), f.line()))).append('\n');
      sb.append("fix: ").append(Printable.of(FirstSentence.of(f.control().remediation().text())))
          .append('\n');
    }
    return sb.toString();
  }

  private static String where(Origin o, int line) {
    if (o.isFile()) {
      return line > 0 ? o.file() + ":" + line : o.file();
    }
    return o.resourceVersion() == null ? "live object" : "resourceVersion " + o.resourceVersion();
  }

  private static void inputSuite(XMLStreamWriter x, List<InputError> errors, String timestamp)
      throws XMLStreamException {
    x.writeCharacters("\n  ");
    x.writeStartElement("testsuite");
    x.writeAttribute("name", INPUT_SUITE);
    x.writeAttribute("tests", Integer.toString(errors.size()));
    x.writeAttribute("failures", "0");
    x.writeAttribute("errors", Integer.toString(errors.size()));
    x.writeAttribute("skipped", "0");
    x.writeAttribute("time", TIME);
    x.writeAttribute("timestamp", timestamp);
    for (InputError e : errors) {
      x.writeCharacters("\n    ");
      x.writeStartElement("testcase");
      x.writeAttribute("classname", "input");
      x.writeAttribute("name", Printable.of(e.line() > 0 ? e.file() + ":" + e.line() : e.file()));
      x.writeCharacters("\n      ");
      x.writeEmptyElement("error");
      x.writeAttribute("message", Printable.of(e.message(), MESSAGE_MAX));
      x.writeAttribute("type", "input");
      x.writeCharacters("\n    ");
      x.writeEndElement();
    }
    x.writeCharacters("\n  ");
    x.writeEndElement();
  }
}
