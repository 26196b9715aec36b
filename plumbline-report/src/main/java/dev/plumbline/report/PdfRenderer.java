package dev.plumbline.report;

import com.openhtmltopdf.pdfboxout.PdfRendererBuilder;
import java.io.IOException;
import java.io.OutputStream;

/**
 * The report as a paginated PDF: the HTML form (trend as a table of bars instead of SVG) laid out
 * by openhtmltopdf, A4 landscape, a running header, page numbers, table headers repeated on each
 * page. Text uses the standard PDF fonts (Latin-1); other characters show as placeholders.
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
    builder.toStream(out);
    try {
      builder.run();
    } catch (IOException e) {
      throw e;
    } catch (Exception e) {
      throw new IOException("cannot lay out the PDF: " + e.getMessage(), e);
    }
  }
}
