package dev.plumbline.monitor;

import dev.plumbline.store.Alert;
import java.io.PrintStream;
import java.util.List;

/** One line per alert on a stream (standard error for {@code plumbline serve}). */
final class LogSink implements Sink {
  private final PrintStream out;

  LogSink(PrintStream out) {
    this.out = out;
  }

  @Override
  public void send(List<Alert> alerts) {
    for (Alert a : alerts) {
      out.println("plumbline alert " + Payloads.line(Payloads.read(a)));
    }
    out.flush();
  }
}
