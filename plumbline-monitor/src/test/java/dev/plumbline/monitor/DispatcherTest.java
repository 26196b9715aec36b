package dev.plumbline.monitor;

import static dev.plumbline.monitor.Fixtures.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.plumbline.store.Alert;
import dev.plumbline.store.AlertEvent;
import dev.plumbline.store.Store;
import dev.plumbline.store.Transition;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/** The outbox dispatcher with a real HTTP receiver and an embedded store. */
class DispatcherTest {
  @TempDir Path dir;
  private Store store;
  private Receiver receiver;
  private SimpleMeterRegistry metrics;
  private final List<Dispatcher> dispatchers = new ArrayList<>();

  @BeforeEach
  void setUp() throws Exception {
    store = Store.embedded(dir);
    receiver = new Receiver();
    metrics = new SimpleMeterRegistry();
  }

  @AfterEach
  void tearDown() {
    dispatchers.forEach(Dispatcher::close);
    receiver.close();
    store.close();
  }

  private SinkSettings sink(int batchSize) {
    return new SinkSettings("hook", "webhook", receiver.url(), "s3cret", null, 0, null,
        batchSize, Duration.ofMillis(20));
  }

  private Dispatcher dispatcher(SinkSettings s, java.time.Clock clock) {
    Dispatcher d = new Dispatcher(store, Map.of(s.name(), new WebhookSink(
        HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build(), s.url(), s.secret())), List.of(s), metrics, clock);
    d.initialBackoff = Duration.ofMillis(40);
    dispatchers.add(d);
    return d;
  }

  private void enqueue(int n, Instant at) {
    List<AlertEvent> events = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      events.add(new AlertEvent("hook", "prod", "finding-" + i, Transition.NEW, 1,
          "{\"cluster\":\"prod\",\"transition\":\"NEW\",\"findingId\":\"finding-" + i
              + "\",\"severity\":\"HIGH\",\"control\":{\"id\":\"privileged-containers\"},"
              + "\"resource\":{\"kind\":\"Deployment\",\"namespace\":\"shop\",\"name\":\"api\"},"
              + "\"path\":\"spec\",\"message\":\"m" + i + "\"}"));
    }
    assertThat(store.enqueueAlerts(events, at)).isEqualTo(n);
  }

  /** Every finding id received, in order, one entry per delivered alert. */
  private List<String> received() {
    List<String> ids = new ArrayList<>();
    for (Receiver.Post p : receiver.delivered()) {
      for (JsonNode a : AlertRule.JSON.readTree(p.body()).get("alerts")) {
        ids.add(a.get("findingId").asString());
      }
    }
    return ids;
  }

  @Test
  void alertsAreSentInBatchesOfTheSinksSizeAndSettledAsDelivered() throws Exception {
    enqueue(7, Instant.now());
    dispatcher(sink(3), java.time.Clock.systemUTC()).start();

    await(() -> received().size() == 7);
    assertThat(received()).doesNotHaveDuplicates();
    assertThat(receiver.delivered()).hasSize(3); // 3 + 3 + 1
    await(() -> store.alertCounts("hook").getOrDefault(Alert.State.DELIVERED, 0L) == 7);
    assertThat(metrics.get("plumbline.alert.deliveries").tag("sink", "hook").counter().count())
        .isEqualTo(7);
  }

  @Test
  void aSinkThatFailsAndRecoversGetsEveryAlertOnceAfterBackoff() throws Exception {
    receiver.failuresLeft.set(3);
    enqueue(2, Instant.now());
    dispatcher(sink(10), java.time.Clock.systemUTC()).start();

    await(() -> received().size() == 2);
    assertThat(received()).containsExactlyInAnyOrder("finding-0", "finding-1");
    // Each alert backs off on its own (jitter), so the retries may split the batch. The
    // receiver has both before the dispatcher records the second delivery: wait for the store.
    await(() -> store.alerts("hook", Alert.State.DELIVERED, 10).size() == 2);
    List<Alert> settled = store.alerts("hook", Alert.State.DELIVERED, 10);
    assertThat(settled).hasSize(2).allSatisfy(a -> {
      assertThat(a.attempts()).isPositive();
      assertThat(a.lastError()).contains("500");
    });
    int failedAttempts = settled.stream().mapToInt(Alert::attempts).sum();
    assertThat(failedAttempts).isGreaterThanOrEqualTo(3);
    assertThat(metrics.get("plumbline.alert.failures").tag("sink", "hook").counter().count())
        .isEqualTo(failedAttempts);
    int posts = receiver.posts.size();
    Thread.sleep(200);
    assertThat(receiver.posts).hasSize(posts); // nothing sent again
  }

  @Test
  void anAlertIsGivenUpOnAfterTheLastAttempt() throws Exception {
    receiver.failuresLeft.set(1000);
    enqueue(1, Instant.now());
    Dispatcher d = dispatcher(sink(10), java.time.Clock.systemUTC());
    d.maxAttempts = 3;
    d.start();

    await(() -> store.alertCounts("hook").getOrDefault(Alert.State.DEAD, 0L) == 1);
    assertThat(receiver.posts).hasSize(3);
  }

  @Test
  void backoffDoublesWithJitterUpToTheCap() {
    Dispatcher d = dispatcher(sink(1), java.time.Clock.systemUTC());
    d.initialBackoff = Duration.ofSeconds(2);
    d.maxBackoff = Duration.ofMinutes(10);
    for (int i = 0; i < 50; i++) {
      assertThat(d.backoff(1)).isBetween(Duration.ofSeconds(1), Duration.ofSeconds(2));
      assertThat(d.backoff(3)).isBetween(Duration.ofSeconds(4), Duration.ofSeconds(8));
      assertThat(d.backoff(40)).isBetween(Duration.ofMinutes(5), Duration.ofMinutes(10));
    }
  }

  @Test
  void alertsClaimedByASenderThatDiedAreSentOnceWhenTheClaimLapses() throws Exception {
    MutableClock clock = new MutableClock(Instant.parse("2026-11-27T10:00:00Z"));
    enqueue(3, clock.instant());
    // A sender claims them and dies before it sends (or before it records the delivery).
    assertThat(store.claimDue("hook", 10, clock.instant())).hasSize(3);

    clock.advance(Duration.ofMinutes(1));
    dispatcher(sink(10), clock).start();
    Thread.sleep(300);
    assertThat(receiver.posts).isEmpty(); // still claimed

    clock.advance(Duration.ofMinutes(5));
    await(() -> received().size() == 3);
    Thread.sleep(200);
    assertThat(received()).containsExactlyInAnyOrder("finding-0", "finding-1", "finding-2");
  }

  @Test
  void aRestartedDispatcherSendsNothingTwice() throws Exception {
    enqueue(4, Instant.now());
    Dispatcher first = dispatcher(sink(2), java.time.Clock.systemUTC());
    first.start();
    await(() -> received().size() == 4);
    first.close();

    enqueue(0, Instant.now());
    store.enqueueAlerts(List.of(), Instant.now());
    // The same alerts queued again (a repeated reconcile) are not queued twice.
    List<AlertEvent> again = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      again.add(new AlertEvent("hook", "prod", "finding-" + i, Transition.NEW, 1, "{}"));
    }
    assertThat(store.enqueueAlerts(again, Instant.now())).isZero();
    dispatcher(sink(2), java.time.Clock.systemUTC()).start();
    Thread.sleep(300);

    assertThat(received()).hasSize(4).doesNotHaveDuplicates();
  }
}
