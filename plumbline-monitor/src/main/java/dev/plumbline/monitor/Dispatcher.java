package dev.plumbline.monitor;

import dev.plumbline.store.Alert;
import dev.plumbline.store.Store;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Delivers the store's outbox: one thread per sink claims due alerts (up to the sink's batch
 * size), sends them in one request, and settles them: delivered, or failed with a retry after an
 * exponential backoff with jitter, until {@link #maxAttempts} attempts have failed (then the
 * alert is dead). The outbox is in the database, so a restart loses nothing; an alert claimed by
 * a sender that died becomes due again when its claim lapses (five minutes).
 */
final class Dispatcher implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(Dispatcher.class.getName());

  private final Store store;
  private final Map<String, Sink> sinks;
  private final List<SinkSettings> settings;
  private final MeterRegistry metrics;
  private final Clock clock;
  private final List<Thread> threads = new ArrayList<>();
  private volatile boolean closed;

  /** The first retry waits about this long; each later one twice as long as the one before. */
  Duration initialBackoff = Duration.ofSeconds(2);
  /** No retry waits longer. */
  Duration maxBackoff = Duration.ofMinutes(10);
  /** Failed attempts after which an alert is given up on (dead). */
  int maxAttempts = 20;

  Dispatcher(Store store, Map<String, Sink> sinks, List<SinkSettings> settings,
      MeterRegistry metrics, Clock clock) {
    this.store = store;
    this.sinks = sinks;
    this.settings = settings;
    this.metrics = metrics;
    this.clock = clock;
  }

  void start() {
    for (SinkSettings s : settings) {
      Thread t = new Thread(() -> run(s), "plumbline-alerts-" + s.name());
      t.setDaemon(true);
      threads.add(t);
      t.start();
    }
  }

  private void run(SinkSettings s) {
    Sink sink = sinks.get(s.name());
    Counter delivered = Counter.builder("plumbline.alert.deliveries").tag("sink", s.name())
        .description("Alerts delivered").register(metrics);
    Counter failed = Counter.builder("plumbline.alert.failures").tag("sink", s.name())
        .description("Failed attempts to deliver an alert").register(metrics);
    while (!closed) {
      int sent;
      try {
        sent = deliverOnce(s, sink, delivered, failed);
      } catch (RuntimeException e) {
        LOG.log(Level.WARNING, "alert sink " + s.name() + ": cannot read the outbox: " + e, e);
        sent = 0;
      }
      if (sent < s.batchSize()) {
        synchronized (this) {
          if (closed) {
            return;
          }
          try {
            wait(s.batchInterval().toMillis());
          } catch (InterruptedException e) {
            return;
          }
        }
      }
    }
  }

  /** Claims, sends and settles one batch; returns how many alerts were claimed. */
  int deliverOnce(SinkSettings s, Sink sink, Counter delivered, Counter failed) {
    List<Alert> batch = store.claimDue(s.name(), s.batchSize(), clock.instant());
    if (batch.isEmpty()) {
      return 0;
    }
    try {
      sink.send(batch);
    } catch (Exception e) {
      Instant now = clock.instant();
      String error = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
      for (Alert a : batch) {
        int attempt = a.attempts() + 1;
        Instant next = attempt >= maxAttempts ? null : now.plus(backoff(attempt));
        store.markFailed(a.id(), attempt, next, error);
        failed.increment();
      }
      LOG.warning("alert sink " + s.name() + ": " + batch.size() + " alert(s) not delivered: "
          + error);
      return 0; // back off: do not hammer a failing sink
    }
    Instant now = clock.instant();
    for (Alert a : batch) {
      store.markDelivered(a.id(), now);
      delivered.increment();
    }
    return batch.size();
  }

  /** The wait before retry {@code attempt} (1 after the first failure): doubling, capped,
   *  with "equal jitter" (half fixed, half random). */
  Duration backoff(int attempt) {
    long base = initialBackoff.toMillis();
    long cap = maxBackoff.toMillis();
    long exp = attempt >= 31 ? cap : Math.min(cap, base << Math.max(0, attempt - 1));
    long half = exp / 2;
    return Duration.ofMillis(half + ThreadLocalRandom.current().nextLong(half + 1));
  }

  @Override
  public void close() {
    synchronized (this) {
      closed = true;
      notifyAll(); // a send in progress finishes and is settled; waits end now
    }
    for (Thread t : threads) {
      try {
        t.join(60_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
