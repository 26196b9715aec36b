package dev.plumbline.server.admission;

import dev.plumbline.store.AdmissionEvent;
import dev.plumbline.store.Store;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Writes admission events to the store off the request path, in batches: a review never waits
 * for the database. When the queue is full (the database is away or slower than the reviews),
 * events are dropped and counted ({@code plumbline_admission_events_dropped_total}), never the
 * review.
 */
final class EventRecorder implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger(EventRecorder.class.getName());
  static final int CAPACITY = 10_000;
  private static final int BATCH = 500;

  private final Store store;
  private final BlockingQueue<AdmissionEvent> queue = new ArrayBlockingQueue<>(CAPACITY);
  private final Counter dropped;
  private final Counter failed;
  private final Thread writer;
  private final Object writing = new Object();
  private volatile boolean closed;

  EventRecorder(Store store, MeterRegistry metrics) {
    this.store = store;
    this.dropped = Counter.builder("plumbline.admission.events.dropped")
        .description("Admission events not recorded: the queue to the store was full")
        .register(metrics);
    this.failed = Counter.builder("plumbline.admission.events.failed")
        .description("Admission events the store refused or could not take")
        .register(metrics);
    this.writer = new Thread(this::run, "plumbline-admission-events");
    writer.setDaemon(true);
    writer.start();
  }

  void add(List<AdmissionEvent> events) {
    for (AdmissionEvent e : events) {
      if (!queue.offer(e)) {
        dropped.increment();
      }
    }
  }

  private void run() {
    while (!closed) {
      try {
        synchronized (writing) {
          // polled under the lock, so that a flush never misses a batch in the writer's hands
          AdmissionEvent first = queue.poll(50, TimeUnit.MILLISECONDS);
          if (first != null) {
            List<AdmissionEvent> batch = new ArrayList<>();
            batch.add(first);
            queue.drainTo(batch, BATCH - 1);
            write(batch);
          }
        }
        Thread.yield();
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  /** Writes everything queued now, in the caller's thread. */
  void flush() {
    synchronized (writing) {
      List<AdmissionEvent> batch = new ArrayList<>();
      while (queue.drainTo(batch, BATCH) > 0) {
        write(batch);
        batch = new ArrayList<>();
      }
    }
  }

  private void write(List<AdmissionEvent> batch) {
    try {
      store.recordAdmissionEvents(batch);
    } catch (RuntimeException e) {
      failed.increment(batch.size());
      LOG.log(System.Logger.Level.WARNING, "admission: " + batch.size()
          + " event(s) not recorded: " + e.getMessage());
    }
  }

  @Override
  public void close() {
    closed = true;
    writer.interrupt();
    try {
      writer.join(5_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    flush();
  }
}
