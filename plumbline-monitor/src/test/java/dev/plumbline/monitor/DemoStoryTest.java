package dev.plumbline.monitor;

import static dev.plumbline.monitor.Fixtures.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.plumbline.control.Severity;
import dev.plumbline.store.Alert;
import dev.plumbline.store.FindingEvent;
import dev.plumbline.store.FindingQuery;
import dev.plumbline.store.FindingStatus;
import dev.plumbline.store.Store;
import dev.plumbline.store.StoredFinding;
import dev.plumbline.store.Transition;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The demo's story, with short steps: findings open, resolve and get suppressed, and alert. */
class DemoStoryTest {
  private static final Duration STEP = Duration.ofMillis(1500);

  @TempDir Path dir;

  private static List<StoredFinding> legacyAdmin(Store store) {
    return store.findings(FindingQuery.all().cluster("demo").namespaces(DemoStory.NAMESPACE)
            .page(0, FindingQuery.MAX_LIMIT)).items().stream()
        .filter(f -> f.resource().kind().equals("Deployment")
            && f.resource().name().equals(DemoStory.NAME))
        .toList();
  }

  private static StoredFinding target(Store store) {
    return store.findings(FindingQuery.all().cluster("demo")
            .controls(DemoStory.TARGET_CONTROL).page(0, FindingQuery.MAX_LIMIT)).items().stream()
        .filter(f -> f.resource().display().equals(
            "Deployment/" + DemoStory.TARGET_NAMESPACE + "/" + DemoStory.TARGET_NAME))
        .findFirst().orElseThrow();
  }

  @Test
  void findingsOpenThenResolveThenOneIsSuppressedWithSnapshotsAndAlerts() throws Exception {
    List<String> told = new CopyOnWriteArrayList<>();
    try (DemoCluster demo = DemoCluster.start(); Store store = Store.embedded(dir)) {
      MonitorSettings settings = new MonitorSettings("demo", Set.of(), Duration.ZERO,
          Duration.ofSeconds(1), Severity.HIGH, false, List.of(SinkSettings.log("log")));
      try (Monitor monitor = new Monitor(settings, demo.client(), store, Fixtures.options(),
              new SimpleMeterRegistry(), Clock.systemUTC())) {
        monitor.start();
        assertThat(target(store).status()).isEqualTo(FindingStatus.OPEN);
        try (AutoCloseable story = demo.startStory(store, "demo", STEP, told::add)) {
          // 1. the risky deployment appears: its findings open
          await(() -> legacyAdmin(store).stream().map(StoredFinding::controlId).toList()
              .containsAll(List.of("privileged-containers", "sensitive-host-paths")),
              Duration.ofSeconds(15));
          // (unisolated-workloads stays: no network policy selects it, as for shop/frontend)
          List<String> risky = legacyAdmin(store).stream()
              .filter(f -> f.status() == FindingStatus.OPEN
                  && !f.controlId().equals("unisolated-workloads"))
              .map(StoredFinding::id).toList();
          assertThat(risky).hasSizeGreaterThan(10);
          assertThat(told).anyMatch(l -> l.startsWith(
              "demo: a risky deployment shop/legacy-admin appeared"));

          // 2. the fix lands: they resolve
          await(() -> legacyAdmin(store).stream().filter(f -> risky.contains(f.id()))
              .allMatch(f -> f.status() == FindingStatus.RESOLVED), Duration.ofSeconds(15));
          for (String id : risky) {
            assertThat(store.findingHistory("demo", id)).extracting(FindingEvent::transition)
                .containsExactly(Transition.NEW, Transition.RESOLVED);
          }
          assertThat(told).anyMatch(l -> l.startsWith("demo: a fix landed"));

          // 3. an exception: the targeted finding is suppressed (without waiting for the
          // monitor's periodic check of the stored exceptions, 30 s)
          await(() -> target(store).status() == FindingStatus.SUPPRESSED,
              Duration.ofSeconds(15));
          StoredFinding suppressed = target(store);
          assertThat(store.exception(suppressed.exceptionId())).hasValueSatisfying(e -> {
            assertThat(e.createdBy()).isEqualTo("demo");
            assertThat(e.spec().owner()).isNotBlank();
            assertThat(e.spec().reason()).isNotBlank();
            assertThat(e.spec().expires()).isAfter(java.time.LocalDate.now().plusDays(20));
          });
          assertThat(store.findingHistory("demo", suppressed.id()))
              .extracting(FindingEvent::transition).endsWith(Transition.SUPPRESSED);
          assertThat(told).anyMatch(l -> l.startsWith("demo: an exception for "
              + DemoStory.TARGET_CONTROL + " on Deployment/legacy/reporting"));

          // the log sink alerted on the new critical finding of the risky deployment
          StoredFinding privileged = legacyAdmin(store).stream()
              .filter(f -> f.controlId().equals("privileged-containers")).findFirst()
              .orElseThrow();
          assertThat(privileged.severity()).isEqualTo(Severity.CRITICAL);
          await(() -> store.alerts("log", Alert.State.DELIVERED, 1000).stream()
              .anyMatch(a -> a.event().findingId().equals(privileged.id())
                  && a.event().transition() == Transition.NEW));

          // a trend: several posture snapshots
          await(() -> store.postureTrend("demo", Instant.EPOCH,
              Instant.now().plusSeconds(60)).size() >= 2);
        }
      }
    }
    assertThat(told).hasSize(3);
  }
}
