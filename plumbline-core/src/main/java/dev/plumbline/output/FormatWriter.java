package dev.plumbline.output;

import dev.plumbline.scan.ScanResult;
import java.io.IOException;
import java.io.Writer;

/** Writes a scan result in one format. */
interface FormatWriter {
  void write(ScanResult result, OutputContext context, Writer out) throws IOException;
}
