package dev.plumbline.monitor;

import dev.plumbline.store.Alert;
import java.io.IOException;
import java.util.List;

/** Delivers alerts somewhere. A failure of the whole batch is an exception. */
interface Sink {
  /** Sends alerts (their payloads are {@link AlertRule#payload} JSON) in one request if it can. */
  void send(List<Alert> alerts) throws IOException;
}
