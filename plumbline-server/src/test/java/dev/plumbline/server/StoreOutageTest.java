package dev.plumbline.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.plumbline.store.Store;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** When the database goes away the API says so (503), and health and metrics keep answering. */
class StoreOutageTest {
  @TempDir
  Path dir;

  @Test
  void answers503WithoutDetailsWhenTheStoreIsGone() throws Exception {
    Store store = Store.embedded(dir);
    Seed.small(store);
    try (ApiServer server = ApiServer.start(ApiContract.settings(false), store, Seed.LIBRARY,
        new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), () -> true, Clock.systemUTC())) {
      store.close();
      HttpClient http = HttpClient.newHttpClient();
      String base = "http://127.0.0.1:" + server.port();
      HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base
          + "/api/v1/findings")).header("Authorization", "Bearer " + ApiContract.VIEWER).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(r.statusCode()).isEqualTo(503);
      assertThat(r.body()).contains("database").doesNotContain("jdbc").doesNotContain("\tat ");
      assertThat(http.send(HttpRequest.newBuilder(URI.create(base + "/healthz")).build(),
          HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
      HttpResponse<String> metrics = http.send(HttpRequest.newBuilder(URI.create(base
          + "/metrics")).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(metrics.statusCode()).isEqualTo(200);
      assertThat(metrics.body()).contains("plumbline_store_up 0.0");
    }
  }
}
