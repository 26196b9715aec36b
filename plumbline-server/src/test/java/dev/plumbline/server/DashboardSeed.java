package dev.plumbline.server;

import dev.plumbline.control.Control;
import dev.plumbline.resource.FieldPath;
import dev.plumbline.resource.Origin;
import dev.plumbline.resource.ResourceRef;
import dev.plumbline.scan.Finding;
import dev.plumbline.store.Scope;
import dev.plumbline.store.Store;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The dashboard tests' data: {@link Seed#small}, one hostile finding in "prod" (markup in its
 * resource name, value and message), 120 findings in cluster "big" (three pages), two alerts.
 */
final class DashboardSeed {
  static final Instant NOW = Instant.parse("2026-06-02T00:00:00Z");
  static final ResourceRef EVIL = Seed.pod("web", "evil-<script>alert(1)</script>");
  static final String EVIL_ID;

  static {
    EVIL_ID = evil().id();
  }

  private DashboardSeed() {}

  static Finding evil() {
    Control c = Seed.LIBRARY.control(Seed.TAGS);
    FieldPath p = FieldPath.parse("spec.containers[0].image");
    return new Finding(Finding.idOf(Seed.TAGS, EVIL, p), c, c.severity(), EVIL, p,
        "<script>alert(1)</script>", "evil <img src=x onerror=alert(3)> image",
        Origin.live("7"), 0, FieldPath.ROOT, List.of());
  }

  static void seed(Store store) {
    Seed.small(store);
    store.reconcile("prod", Scope.resources(EVIL), List.of(evil()), Seed.T0.plusSeconds(900));
    List<Finding> big = new ArrayList<>();
    for (int i = 0; i < 120; i++) {
      big.add(Seed.tags(Seed.pod("ns-" + (i % 7), "pod-" + i)));
    }
    store.reconcile("big", Scope.cluster(), big, Seed.T0);
    DashboardTest.enqueueAlerts(store, EVIL_ID);
  }
}
