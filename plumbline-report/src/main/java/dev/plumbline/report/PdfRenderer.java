package dev.plumbline.report;

import com.openhtmltopdf.pdfboxout.PdfBoxRenderer;
import com.openhtmltopdf.pdfboxout.PdfRendererBuilder;
import java.io.IOException;
import java.io.OutputStream;
import java.time.ZoneOffset;
import java.util.Calendar;
import java.util.GregorianCalendar;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDDocumentInformation;

/**
 * The report as a paginated PDF: the HTML form (trend as a table of bars instead of SVG) laid out
 * by openhtmltopdf, A4 landscape, a running header, page numbers, table headers repeated on each
 * page. Text uses the standard PDF fonts (Latin-1); other characters show as placeholders. The
 * document's dates and id come from the report's production time, so the same report gives the
 * same bytes.
 */
final class PdfRenderer {
  static {
    // openhtmltopdf logs through java.util.logging to standard error; a report says nothing.
    com.openhtmltopdf.util.XRLog.setLoggingEnabled(false);
  }

  private PdfRenderer() {}

  static void render(Report report, OutputStream out) throws IOException {
    String html = HtmlRenderer.render(report, true);
    PdfRendererBuilder builder = new PdfRendererBuilder();
    builder.useFastMode();
    builder.withHtmlContent(html, null);
    builder.withProducer("Plumbline " + report.producer().plumblineVersion());
    try (PdfBoxRenderer renderer = builder.buildPdfRenderer()) {
      renderer.layout();
      renderer.createPDFWithoutClosing();
      PDDocument doc = renderer.getPdfDocument();
      Calendar at = GregorianCalendar.from(report.producedAt().atZone(ZoneOffset.UTC));
      PDDocumentInformation info = doc.getDocumentInformation();
      info.setCreationDate(at);
      info.setModificationDate(at);
      info.setTitle("Compliance report: " + report.framework().title());
      info.setCreator("Plumbline " + report.producer().plumblineVersion());
      doc.setDocumentId(report.producedAt().toEpochMilli());
      doc.save(out);
    } catch (IOException e) {
      throw e;
    } catch (RuntimeException e) {
      throw new IOException("cannot lay out the PDF: " + e.getMessage(), e);
    }
  }
}
