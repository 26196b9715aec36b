package dev.plumbline.monitor;

import static dev.plumbline.monitor.Fixtures.await;
import static dev.plumbline.monitor.Fixtures.deployment;
import static dev.plumbline.monitor.Fixtures.namespace;
import static org.assertj.core.api.Assertions.assertThat;

import dev.plumbline.control.Severity;
import dev.plumbline.store.Store;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/** A change in the cluster reaches a webhook once, across a sink outage and a restart. */
class AlertsEndToEndTest {
  @TempDir Path dir;

  private static List<String> alerts(Receiver receiver) {
    List<String> out = new ArrayList<>();
    for (Receiver.Post p : receiver.delivered()) {
      for (JsonNode a : AlertRule.JSON.readTree(p.body()).get("alerts")) {
        out.add(a.get("transition").asString() + " " + a.get("control").get("id").asString()
            + " " + a.get("resource").get("name").asString());
      }
    }
    return out;
  }

  @Test
  void aChangeAlertsOnceThroughAnOutageAndARestart() throws Exception {
    try (MockApi api = new MockApi(); Store store = Store.embedded(dir);
        Receiver receiver = new Receiver()) {
      namespace(api.client, "team");
      MonitorSettings settings = new MonitorSettings("prod", Set.of(), Duration.ofMinutes(10),
          Duration.ZERO, Severity.CRITICAL, true, List.of(new SinkSettings("hook", "webhook",
              receiver.url(), "s3cret", null, 0, null, 10, Duration.ofMillis(50))),
          Duration.ofMillis(50));
      SimpleMeterRegistry metrics = new SimpleMeterRegistry();
      try (Monitor monitor = new Monitor(settings, api.client, store, Fixtures.options(),
          metrics, Clock.systemUTC())) {
        monitor.start();
        receiver.failuresLeft.set(1); // the first attempt fails
        api.client.apps().deployments().inNamespace("team")
            .resource(deployment("team", "web", true)).create();
        await(() -> alerts(receiver).contains("NEW privileged-containers web"),
            Duration.ofSeconds(15));
        assertThat(receiver.posts.get(0).answered()).isEqualTo(500);
      }
      // Restarted: nothing is sent again; a fix alerts once.
      try (Monitor monitor = new Monitor(settings, api.client, store, Fixtures.options(),
          new SimpleMeterRegistry(), Clock.systemUTC())) {
        monitor.start();
        api.client.apps().deployments().inNamespace("team")
            .resource(deployment("team", "web", false)).update();
        await(() -> alerts(receiver).contains("RESOLVED privileged-containers web"),
            Duration.ofSeconds(15));
        Thread.sleep(300);
      }
      assertThat(alerts(receiver)).containsExactly("NEW privileged-containers web",
          "RESOLVED privileged-containers web");
    }
  }
}
