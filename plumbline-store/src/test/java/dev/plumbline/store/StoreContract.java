package dev.plumbline.store;

import static dev.plumbline.store.Fixtures.HOST_NETWORK;
import static dev.plumbline.store.Fixtures.LATEST;
import static dev.plumbline.store.Fixtures.PRIVILEGED;
import static dev.plumbline.store.Fixtures.deployment;
import static dev.plumbline.store.Fixtures.finding;
import static dev.plumbline.store.Fixtures.hostNetwork;
import static dev.plumbline.store.Fixtures.ids;
import static dev.plumbline.store.Fixtures.latest;
import static dev.plumbline.store.Fixtures.pod;
import static dev.plumbline.store.Fixtures.privileged;
import static dev.plumbline.store.Fixtures.suppressed;
import static dev.plumbline.store.Fixtures.t;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.plumbline.control.Severity;
import dev.plumbline.resource.Origin;
import dev.plumbline.resource.ResourceRef;
import dev.plumbline.scan.Finding;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every store does, whatever the database: the subclasses run these tests on embedded H2
 * and on a real PostgreSQL server.
 */
abstract class StoreContract {
  static final String PROD = "prod";
  static final String STAGING = "staging";

  Store store;

  /** A store on a new, empty database. */
  abstract Store newStore();

  /** Another store on the database of the last {@link #newStore()} (the first one closed). */
  abstract Store reopen();

  @BeforeEach
  void openStore() {
    store = newStore();
  }

  @AfterEach
  void closeStore() {
    store.close();
  }

  /** The kept counts (finding_counts) agree with counting the findings. */
  void assertCountsAgree() {
    List<FindingQuery> filters = new ArrayList<>(List.of(FindingQuery.all(),
        FindingQuery.all().cluster(PROD), FindingQuery.all().statuses(FindingStatus.OPEN),
        FindingQuery.all().cluster(PROD).statuses(FindingStatus.RESOLVED,
            FindingStatus.SUPPRESSED),
        FindingQuery.all().cluster(PROD).namespaces("web", "").severities(Severity.CRITICAL,
            Severity.LOW),
        FindingQuery.all().controls(PRIVILEGED, LATEST),
        FindingQuery.all().frameworks("test-supply-chain")));
    for (FindingQuery q : filters) {
      for (FindingQuery.GroupBy by : FindingQuery.GroupBy.values()) {
        assertThat(store.countFindings(q, by)).as(by + " of " + q)
            .isEqualTo(store.countFromFindings(q, by));
      }
      long total = store.countFromFindings(q, FindingQuery.GroupBy.STATUS).values().stream()
          .mapToLong(Long::longValue).sum();
      assertThat(store.findings(q).total()).as("total of " + q).isEqualTo(total);
    }
  }

  // Lifecycle

  @Test
  void storesNewFindingsAsOpenAndFirstSeen() {
    Finding a = privileged(pod("web", "a"), 0);
    Finding b = hostNetwork(pod("web", "b"));

    ReconcileResult r = store.reconcile(PROD, Scope.cluster(), List.of(a, b), t(0));

    assertThat(ids(r.created())).containsExactlyInAnyOrder(a.id(), b.id());
    assertThat(r.resolved()).isEmpty();
    assertThat(r.reopened()).isEmpty();
    StoredFinding stored = store.finding(PROD, a.id()).orElseThrow();
    assertThat(stored.status()).isEqualTo(FindingStatus.OPEN);
    assertThat(stored.firstSeen()).isEqualTo(t(0));
    assertThat(stored.lastSeen()).isEqualTo(t(0));
    assertThat(stored.resolvedAt()).isNull();
    assertThat(stored.revision()).isEqualTo(1);
    assertThat(store.findingHistory(PROD, a.id()))
        .extracting(FindingEvent::transition).containsExactly(Transition.NEW);
  }

  @Test
  void reconcilingTheSameFindingsAgainChangesNoStatus() {
    List<Finding> findings = List.of(privileged(pod("web", "a"), 0), hostNetwork(pod("web", "a")));
    store.reconcile(PROD, Scope.cluster(), findings, t(0));

    ReconcileResult again = store.reconcile(PROD, Scope.cluster(), findings, t(5));
    ReconcileResult third = store.reconcile(PROD, Scope.resources(pod("web", "a")), findings,
        t(6));

    assertThat(again.isQuiet()).isTrue();
    assertThat(again.unchanged()).isEqualTo(2);
    assertThat(third.isQuiet()).isTrue();
    StoredFinding stored = store.finding(PROD, findings.get(0).id()).orElseThrow();
    assertThat(stored.firstSeen()).isEqualTo(t(0));
    assertThat(stored.lastSeen()).isEqualTo(t(6));
    assertThat(stored.revision()).isEqualTo(1);
    assertThat(store.findingHistory(PROD, stored.id())).hasSize(1);
  }

  @Test
  void resolvesStoredFindingsTheEvaluationNoLongerReports() {
    Finding a = privileged(pod("web", "a"), 0);
    Finding b = hostNetwork(pod("web", "b"));
    store.reconcile(PROD, Scope.cluster(), List.of(a, b), t(0));

    ReconcileResult r = store.reconcile(PROD, Scope.cluster(), List.of(a), t(10));

    assertThat(ids(r.resolved())).containsExactly(b.id());
    StoredFinding resolved = store.finding(PROD, b.id()).orElseThrow();
    assertThat(resolved.status()).isEqualTo(FindingStatus.RESOLVED);
    assertThat(resolved.resolvedAt()).isEqualTo(t(10));
    assertThat(resolved.lastSeen()).isEqualTo(t(0));
    assertThat(store.finding(PROD, a.id()).orElseThrow().lastSeen()).isEqualTo(t(10));

    ReconcileResult again = store.reconcile(PROD, Scope.cluster(), List.of(a), t(20));
    assertThat(again.isQuiet()).as("a resolved finding is resolved once").isTrue();
  }

  @Test
  void reopensAResolvedFindingThatReappearsKeepingItsFirstSighting() {
    Finding a = privileged(pod("web", "a"), 0);
    store.reconcile(PROD, Scope.cluster(), List.of(a), t(0));
    store.reconcile(PROD, Scope.cluster(), List.of(), t(10));

    ReconcileResult r = store.reconcile(PROD, Scope.cluster(), List.of(a), t(20));

    assertThat(ids(r.reopened())).containsExactly(a.id());
    assertThat(r.created()).isEmpty();
    StoredFinding f = r.reopened().get(0);
    assertThat(f.status()).isEqualTo(FindingStatus.OPEN);
    assertThat(f.firstSeen()).isEqualTo(t(0));
    assertThat(f.lastSeen()).isEqualTo(t(20));
    assertThat(f.resolvedAt()).isNull();
    assertThat(f.reopenCount()).isEqualTo(1);
    assertThat(f.revision()).isEqualTo(3);

    store.reconcile(PROD, Scope.cluster(), List.of(), t(30));
    StoredFinding twice = store.reconcile(PROD, Scope.cluster(), List.of(a), t(40)).reopened()
        .get(0);
    assertThat(twice.reopenCount()).isEqualTo(2);
    assertThat(store.findingHistory(PROD, a.id()))
        .extracting(FindingEvent::transition, FindingEvent::at)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(Transition.NEW, t(0)),
            org.assertj.core.groups.Tuple.tuple(Transition.RESOLVED, t(10)),
            org.assertj.core.groups.Tuple.tuple(Transition.REOPENED, t(20)),
            org.assertj.core.groups.Tuple.tuple(Transition.RESOLVED, t(30)),
            org.assertj.core.groups.Tuple.tuple(Transition.REOPENED, t(40)));
    assertCountsAgree();
  }

  @Test
  void incrementalScopeLeavesFindingsOfOtherResourcesAlone() {
    ResourceRef a = pod("web", "a");
    ResourceRef b = pod("web", "b");
    Finding fa = privileged(a, 0);
    Finding fb = privileged(b, 0);
    store.reconcile(PROD, Scope.cluster(), List.of(fa, fb), t(0));

    // Pod a was fixed: only a is re-evaluated; b's finding is outside the scope.
    ReconcileResult r = store.reconcile(PROD, Scope.resources(a), List.of(), t(5));

    assertThat(ids(r.resolved())).containsExactly(fa.id());
    StoredFinding untouched = store.finding(PROD, fb.id()).orElseThrow();
    assertThat(untouched.status()).isEqualTo(FindingStatus.OPEN);
    assertThat(untouched.lastSeen()).isEqualTo(t(0));
  }

  @Test
  void aDeletedResourceIsAScopeEntryWithoutFindings() {
    ResourceRef gone = deployment("web", "api");
    Finding f1 = privileged(gone, 0);
    Finding f2 = latest(gone, 1);
    store.reconcile(PROD, Scope.cluster(), List.of(f1, f2, hostNetwork(pod("web", "x"))), t(0));

    // The watch reports the Deployment deleted; apiVersion does not matter for identity.
    ResourceRef deleted = new ResourceRef("apps/v1beta2", "Deployment", "web", "api");
    ReconcileResult r = store.reconcile(PROD, Scope.resources(deleted), List.of(), t(3));

    assertThat(ids(r.resolved())).containsExactlyInAnyOrder(f1.id(), f2.id());
    assertThat(store.countFindings(FindingQuery.all().cluster(PROD),
        FindingQuery.GroupBy.STATUS)).containsEntry("open", 1L).containsEntry("resolved", 2L);
    assertCountsAgree();
  }

  @Test
  void rejectsAFindingOutsideTheScopeAndChangesNothing() {
    Finding a = privileged(pod("web", "a"), 0);
    store.reconcile(PROD, Scope.cluster(), List.of(a), t(0));

    assertThatThrownBy(() -> store.reconcile(PROD, Scope.resources(pod("web", "b")),
        List.of(privileged(pod("web", "c"), 0)), t(1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("outside the scope");
    Finding twice = privileged(pod("web", "d"), 0);
    assertThatThrownBy(() -> store.reconcile(PROD, Scope.cluster(), List.of(twice, twice), t(1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("reported twice");
    assertThatThrownBy(() -> store.reconcile(" ", Scope.cluster(), List.of(), t(1)))
        .isInstanceOf(IllegalArgumentException.class);

    assertThat(store.findings(FindingQuery.all()).total()).isEqualTo(1);
    assertThat(store.finding(PROD, a.id()).orElseThrow().lastSeen()).isEqualTo(t(0));
  }

  @Test
  void keepsClustersApart() {
    Finding f = privileged(pod("web", "a"), 0);
    store.reconcile(PROD, Scope.cluster(), List.of(f), t(0));
    ReconcileResult staging = store.reconcile(STAGING, Scope.cluster(), List.of(f), t(1));

    assertThat(ids(staging.created())).as("same id, another cluster").containsExactly(f.id());
    ReconcileResult fixedInStaging = store.reconcile(STAGING, Scope.cluster(), List.of(), t(2));
    assertThat(ids(fixedInStaging.resolved())).containsExactly(f.id());
    assertThat(store.finding(PROD, f.id()).orElseThrow().status()).isEqualTo(FindingStatus.OPEN);
    assertThat(store.finding(STAGING, f.id()).orElseThrow().status())
        .isEqualTo(FindingStatus.RESOLVED);
    assertThat(store.clusters()).containsExactly(PROD, STAGING);
    assertThat(store.countFindings(FindingQuery.all(), FindingQuery.GroupBy.CLUSTER))
        .containsEntry(PROD, 1L).containsEntry(STAGING, 1L);
  }

  @Test
  void storesTheEvidence() {
    ResourceRef ref = deployment("payments", "api");
    Map<String, Object> value = new java.util.LinkedHashMap<>();
    value.put("z", List.of(1L, 2.5, "x"));
    value.put("a", true);
    Finding fromFile = finding(PRIVILEGED, ref, "spec.template.spec.containers[1].securityContext",
        value, "Container \"api\" runs privileged.", Origin.file("deploy/api.yaml", 2, 40));
    Finding live = finding(HOST_NETWORK, pod("payments", "api-1"), "spec.hostNetwork", null,
        "The pod shares the node's network namespace.", Origin.live("8812"));

    store.reconcile(PROD, Scope.cluster(), List.of(fromFile, live), t(0));

    StoredFinding f = store.finding(PROD, fromFile.id()).orElseThrow();
    assertThat(f.cluster()).isEqualTo(PROD);
    assertThat(f.controlId()).isEqualTo(PRIVILEGED);
    assertThat(f.controlVersion()).isEqualTo(2);
    assertThat(f.title()).isEqualTo("Privileged containers");
    assertThat(f.severity()).isEqualTo(Severity.CRITICAL);
    assertThat(f.category()).isEqualTo("pod-security");
    assertThat(f.frameworks()).containsExactly("test-baseline");
    assertThat(f.remediation()).startsWith("Remove `securityContext.privileged`");
    assertThat(f.resource()).isEqualTo(ref);
    assertThat(f.path()).isEqualTo("spec.template.spec.containers[1].securityContext");
    assertThat(f.valueJson()).isEqualTo("{\"a\":true,\"z\":[1,2.5,\"x\"]}");
    assertThat(f.message()).isEqualTo("Container \"api\" runs privileged.");
    assertThat(f.originFile()).isEqualTo("deploy/api.yaml");
    assertThat(f.line()).isEqualTo(43);
    assertThat(f.resourceVersion()).isNull();

    StoredFinding l = store.finding(PROD, live.id()).orElseThrow();
    assertThat(l.valueJson()).as("a missing setting").isNull();
    assertThat(l.originFile()).isNull();
    assertThat(l.resourceVersion()).isEqualTo("8812");
    assertThat(l.frameworks()).containsExactly("test-baseline");
  }

  @Test
  void updatesEvidenceWithoutAnEventWhenOnlyTheEvidenceChanged() {
    ResourceRef ref = pod("web", "a");
    Finding before = finding(LATEST, ref, "spec.containers[0].image", "nginx:latest", "old",
        Origin.live("1"));
    Finding after = finding(LATEST, ref, "spec.containers[0].image", "nginx:latest", "new",
        Origin.live("2"));
    store.reconcile(PROD, Scope.cluster(), List.of(before), t(0));

    ReconcileResult r = store.reconcile(PROD, Scope.resources(ref), List.of(after), t(1));

    assertThat(r.isQuiet()).isTrue();
    StoredFinding f = store.finding(PROD, after.id()).orElseThrow();
    assertThat(f.message()).isEqualTo("new");
    assertThat(f.resourceVersion()).isEqualTo("2");
    assertThat(f.lastSeen()).isEqualTo(t(1));
    assertThat(f.revision()).isEqualTo(1);
    assertCountsAgree();
  }

  @Test
  void keepsSuppressedFindingsWithTheirException() {
    Finding a = privileged(pod("kube-system", "node-exporter"), 0);
    Finding b = hostNetwork(pod("web", "b"));

    ReconcileResult first = store.reconcile(PROD, Scope.cluster(), List.of(b),
        List.of(suppressed(a, "exc-1")), t(0));

    assertThat(ids(first.created())).containsExactlyInAnyOrder(a.id(), b.id());
    assertThat(first.opened()).extracting(StoredFinding::id).containsExactly(b.id());
    StoredFinding s = store.finding(PROD, a.id()).orElseThrow();
    assertThat(s.status()).isEqualTo(FindingStatus.SUPPRESSED);
    assertThat(s.exceptionId()).isEqualTo("exc-1");

    // The exception expired: the finding is open again, and that is news.
    ReconcileResult expired = store.reconcile(PROD, Scope.cluster(), List.of(a, b), t(1));
    assertThat(ids(expired.unsuppressed())).containsExactly(a.id());
    assertThat(expired.opened()).extracting(StoredFinding::id).containsExactly(a.id());
    assertThat(store.finding(PROD, a.id()).orElseThrow().exceptionId()).isNull();

    ReconcileResult again = store.reconcile(PROD, Scope.cluster(), List.of(b),
        List.of(suppressed(a, "exc-2")), t(2));
    assertThat(ids(again.suppressed())).containsExactly(a.id());
    assertThat(store.finding(PROD, a.id()).orElseThrow().exceptionId()).isEqualTo("exc-2");
    assertThat(store.findingHistory(PROD, a.id()))
        .extracting(FindingEvent::transition, FindingEvent::status, FindingEvent::exceptionId)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(Transition.NEW, FindingStatus.SUPPRESSED, "exc-1"),
            org.assertj.core.groups.Tuple.tuple(Transition.UNSUPPRESSED, FindingStatus.OPEN, null),
            org.assertj.core.groups.Tuple.tuple(Transition.SUPPRESSED, FindingStatus.SUPPRESSED,
                "exc-2"));
    assertCountsAgree();
  }

  @Test
  void aFailedReconcileChangesNothing() {
    Finding a = privileged(pod("web", "a"), 0);
    Finding b = hostNetwork(pod("web", "b"));
    store.reconcile(PROD, Scope.cluster(), List.of(a), t(0));

    store.beforeCommit(() -> {
      throw new IllegalStateException("boom");
    });
    assertThatThrownBy(() -> store.reconcile(PROD, Scope.cluster(), List.of(b), List.of(), t(1),
        r -> r.changes().stream().map(ch -> AlertEvent.of("hook", ch, "{}")).toList()))
        .hasMessage("boom");
    store.beforeCommit(null);

    assertThat(store.findings(FindingQuery.all()).items()).extracting(StoredFinding::id,
        StoredFinding::status).containsExactly(
            org.assertj.core.groups.Tuple.tuple(a.id(), FindingStatus.OPEN));
    assertThat(store.finding(PROD, a.id()).orElseThrow().lastSeen()).isEqualTo(t(0));
    assertThat(store.alerts(null, null, 10)).isEmpty();
    ReconcileResult retry = store.reconcile(PROD, Scope.cluster(), List.of(b), t(1));
    assertThat(ids(retry.created())).containsExactly(b.id());
    assertThat(ids(retry.resolved())).containsExactly(a.id());
    assertCountsAgree();
  }

  @Test
  void showsOneResourcesFindingsAndTheirHistory() {
    ResourceRef api = deployment("payments", "api");
    Finding p0 = privileged(api, 0);
    Finding l1 = latest(api, 1);
    store.reconcile(PROD, Scope.cluster(), List.of(p0, l1, hostNetwork(pod("web", "x"))), t(0));
    store.reconcile(PROD, Scope.resources(api), List.of(p0), t(1));

    ResourceHistory h = store.resourceHistory(PROD, api);

    assertThat(h.findings()).extracting(StoredFinding::id, StoredFinding::status)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(p0.id(), FindingStatus.OPEN),
            org.assertj.core.groups.Tuple.tuple(l1.id(), FindingStatus.RESOLVED));
    assertThat(h.events()).extracting(FindingEvent::findingId, FindingEvent::transition)
        .containsExactlyInAnyOrder(
            org.assertj.core.groups.Tuple.tuple(p0.id(), Transition.NEW),
            org.assertj.core.groups.Tuple.tuple(l1.id(), Transition.NEW),
            org.assertj.core.groups.Tuple.tuple(l1.id(), Transition.RESOLVED));
    assertThat(store.events(PROD, t(1), t(2), 10)).extracting(FindingEvent::findingId)
        .containsExactly(l1.id());
    assertThat(store.countEvents(PROD, t(0), t(2))).containsEntry(Transition.NEW, 3L)
        .containsEntry(Transition.RESOLVED, 1L).containsEntry(Transition.REOPENED, 0L);
    assertThat(store.countEvents(PROD, t(1), t(2))).containsEntry(Transition.NEW, 0L)
        .containsEntry(Transition.RESOLVED, 1L);
    assertThat(store.countEvents("elsewhere", t(0), t(2)).values()).containsOnly(0L);
  }

  @Test
  void serializesConcurrentReconcilesOfACluster() throws Exception {
    ResourceRef ref = pod("web", "a");
    Finding f = privileged(ref, 0);
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<ReconcileResult>> results = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        int n = i;
        results.add(pool.submit(() -> store.reconcile(PROD, Scope.resources(ref),
            n % 2 == 0 ? List.of(f) : List.of(), t(n))));
      }
      int created = 0;
      for (Future<ReconcileResult> r : results) {
        created += r.get().created().size();
      }
      assertThat(created).as("created exactly once").isEqualTo(1);
    } finally {
      pool.shutdownNow();
    }
    List<FindingEvent> history = store.findingHistory(PROD, f.id());
    for (int i = 1; i < history.size(); i++) {
      assertThat(history.get(i).transition()).isNotEqualTo(history.get(i - 1).transition());
    }
    assertCountsAgree();
  }

  // Queries

  /** 40 findings over 2 clusters, 4 namespaces, 3 controls; some resolved, some suppressed. */
  void seedQueryData() {
    List<Finding> prod = new ArrayList<>();
    List<dev.plumbline.scan.Suppressed> supp = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      String ns = List.of("web", "db", "kube-system", "").get(i % 4);
      ResourceRef ref = ns.isEmpty() ? new ResourceRef("v1", "Node", "", "node-" + i)
          : pod(ns, "pod-" + i);
      prod.add(privileged(ref, 0));
      prod.add(latest(ref, 0));
      if (i % 3 == 0) {
        supp.add(suppressed(hostNetwork(ref), "exc-" + i));
      } else {
        prod.add(hostNetwork(ref));
      }
    }
    store.reconcile(PROD, Scope.cluster(), prod, supp, t(0));
    // Resolve the latest-tag findings of pod-1 and pod-2; see pod-3's again later.
    store.reconcile(PROD, Scope.resources(pod("db", "pod-1"), pod("kube-system", "pod-2")),
        List.of(privileged(pod("db", "pod-1"), 0), hostNetwork(pod("db", "pod-1")),
            privileged(pod("kube-system", "pod-2"), 0), hostNetwork(pod("kube-system", "pod-2"))),
        t(10));
    store.reconcile(STAGING, Scope.cluster(), List.of(privileged(pod("web", "s-1"), 0),
        latest(pod("web", "s-1"), 0)), t(20));
  }

  @Test
  void filtersFindings() {
    seedQueryData();
    FindingQuery prod = FindingQuery.all().cluster(PROD).page(0, 1000);

    assertThat(store.findings(FindingQuery.all().page(0, 1000)).total()).isEqualTo(32);
    assertThat(store.findings(prod).total()).isEqualTo(30);
    assertThat(store.findings(prod.statuses(FindingStatus.OPEN)).total()).isEqualTo(24);
    assertThat(store.findings(prod.statuses(FindingStatus.SUPPRESSED)).items())
        .allMatch(f -> f.exceptionId().startsWith("exc-")).hasSize(4);
    assertThat(store.findings(prod.statuses(FindingStatus.RESOLVED)).items())
        .extracting(f -> f.resource().name()).containsExactlyInAnyOrder("pod-1", "pod-2");
    assertThat(store.findings(prod.namespaces("web")).items())
        .allMatch(f -> f.resource().namespace().equals("web")).hasSize(9);
    assertThat(store.findings(prod.namespaces("")).items())
        .allMatch(f -> f.resource().kind().equals("Node")).hasSize(6);
    assertThat(store.findings(prod.controls(PRIVILEGED, HOST_NETWORK)).total()).isEqualTo(20);
    assertThat(store.findings(prod.severities(Severity.CRITICAL)).items())
        .allMatch(f -> f.controlId().equals(PRIVILEGED)).hasSize(10);
    assertThat(store.findings(prod.frameworks("test-supply-chain")).items())
        .allMatch(f -> f.controlId().equals(LATEST)).hasSize(10);
    assertThat(store.findings(prod.frameworks("test-baseline")).total()).isEqualTo(30);
    assertThat(store.findings(prod.frameworks("no-such-framework")).total()).isZero();
    assertThat(store.findings(FindingQuery.all().text("POD-6 Privileged")).items())
        .extracting(StoredFinding::id)
        .containsExactly(privileged(pod("kube-system", "pod-6"), 0).id());
    assertThat(store.findings(FindingQuery.all().text("problem at spec.hostNetwork")).total())
        .as("words of the message and path").isEqualTo(10);
    assertThat(store.findings(FindingQuery.all().text("kube-system/Pod/pod-2")).total())
        .isEqualTo(3);
    assertThat(store.findings(FindingQuery.all().text("100%")).total())
        .as("% is a character, not a wildcard").isZero();
    assertThat(store.findings(FindingQuery.all().text("pod_1")).total())
        .as("_ is a character, not a wildcard").isZero();
    assertThat(store.findings(prod.statuses(FindingStatus.OPEN).namespaces("web", "db")
        .severities(Severity.HIGH, Severity.LOW).controls(LATEST).text("image")).items())
        .extracting(f -> f.resource().name()).containsExactlyInAnyOrder("pod-0", "pod-4",
            "pod-8", "pod-5", "pod-9");
  }

  @Test
  void sortsAndPagesFindingsWithATotal() {
    seedQueryData();
    for (FindingQuery.Sort sort : FindingQuery.Sort.values()) {
      for (boolean descending : new boolean[] {false, true}) {
        FindingQuery q = FindingQuery.all().sort(sort, descending);
        List<StoredFinding> all = store.findings(q.page(0, 1000)).items();
        assertThat(all).hasSize(32);
        List<StoredFinding> paged = new ArrayList<>();
        Page<StoredFinding> page;
        int offset = 0;
        do {
          page = store.findings(q.page(offset, 7));
          assertThat(page.total()).isEqualTo(32);
          paged.addAll(page.items());
          offset += 7;
        } while (page.hasMore());
        assertThat(paged).as(sort + (descending ? " desc" : "")).isEqualTo(all);
        assertThat(new HashSet<>(paged)).hasSize(32);
      }
    }
    // Free text: few matches are ordered in memory, many by the database; the same pages.
    for (FindingQuery.Sort sort : FindingQuery.Sort.values()) {
      for (boolean descending : new boolean[] {false, true}) {
        for (FindingQuery q : List.of(FindingQuery.all().text("pod"),
            FindingQuery.all().cluster(PROD).statuses(FindingStatus.OPEN).text("spec"))) {
          List<List<StoredFinding>> byPath = new ArrayList<>();
          for (int threshold : new int[] {1000, 0}) {
            store.textMatchesReadById(threshold);
            List<StoredFinding> pages = new ArrayList<>();
            for (int offset = 0; offset < 40; offset += 6) {
              pages.addAll(store.findings(q.sort(sort, descending).page(offset, 6)).items());
            }
            byPath.add(pages);
          }
          store.textMatchesReadById(2000);
          assertThat(byPath.get(0)).as(q + " " + sort + (descending ? " desc" : ""))
              .isNotEmpty().isEqualTo(byPath.get(1));
        }
      }
    }
    List<StoredFinding> bySeverity = store.findings(FindingQuery.all().page(0, 1000)).items();
    assertThat(bySeverity).extracting(StoredFinding::severity).isSortedAccordingTo(
        java.util.Comparator.naturalOrder());
    List<StoredFinding> newest = store.findings(FindingQuery.all()
        .sort(FindingQuery.Sort.FIRST_SEEN, true).page(0, 2)).items();
    assertThat(newest).allMatch(f -> f.cluster().equals(STAGING));
    assertThat(store.findings(FindingQuery.all().sort(FindingQuery.Sort.RESOURCE, false)
        .page(0, 1)).items().get(0).resource().namespace()).isEmpty();
    assertThat(store.findings(FindingQuery.all().sort(FindingQuery.Sort.CONTROL, false)
        .page(0, 1)).items().get(0).controlId()).isEqualTo(HOST_NETWORK);
    Page<StoredFinding> beyond = store.findings(FindingQuery.all().page(100, 10));
    assertThat(beyond.items()).isEmpty();
    assertThat(beyond.total()).isEqualTo(32);
  }

  @Test
  void countsFindingsByGroup() {
    seedQueryData();
    FindingQuery open = FindingQuery.all().cluster(PROD).statuses(FindingStatus.OPEN);

    assertThat(store.countFindings(open, FindingQuery.GroupBy.SEVERITY))
        .containsExactly(Map.entry("critical", 10L), Map.entry("high", 6L),
            Map.entry("medium", 0L), Map.entry("low", 8L));
    assertThat(store.countFindings(open, FindingQuery.GroupBy.NAMESPACE))
        .containsExactly(Map.entry("web", 8L), Map.entry("db", 7L), Map.entry("", 5L),
            Map.entry("kube-system", 4L));
    assertThat(store.countFindings(open, FindingQuery.GroupBy.CONTROL))
        .containsExactly(Map.entry(PRIVILEGED, 10L), Map.entry(LATEST, 8L),
            Map.entry(HOST_NETWORK, 6L));
    assertThat(store.countFindings(FindingQuery.all(), FindingQuery.GroupBy.STATUS))
        .containsExactly(Map.entry("open", 26L), Map.entry("suppressed", 4L),
            Map.entry("resolved", 2L));
    assertThat(store.countFindings(open, FindingQuery.GroupBy.KIND))
        .containsExactly(Map.entry("Pod", 19L), Map.entry("Node", 5L));
    assertCountsAgree();
  }

  // Snapshots

  @Test
  void recordsSnapshotsAndDrawsTrends() {
    Map<String, Posture.FrameworkPoint> fw1 = Map.of(
        "test-baseline", new Posture.FrameworkPoint(50.0, 1, 1, 1, 0),
        "test-supply-chain", new Posture.FrameworkPoint(Double.NaN, 0, 0, 1, 0));
    Map<String, Posture.FrameworkPoint> fw2 = Map.of(
        "test-baseline", new Posture.FrameworkPoint(75.5, 2, 1, 0, 0));
    store.recordSnapshot(PROD, t(0), new Posture(40.0, Map.of(Severity.CRITICAL, 3,
        Severity.LOW, 1), 2, fw1, Map.of("web", Map.of(Severity.CRITICAL, 3), "",
        Map.of(Severity.LOW, 1))));
    store.recordSnapshot(PROD, t(60), new Posture(62.5, Map.of(Severity.HIGH, 1), 0, fw2,
        Map.of("web", Map.of(Severity.HIGH, 1))));
    store.recordSnapshot(STAGING, t(30), new Posture(Double.NaN, Map.of(), 0, Map.of(),
        Map.of()));

    List<TrendPoint> baseline = store.trend(PROD, "test-baseline", t(0), t(61));
    assertThat(baseline).extracting(TrendPoint::at, TrendPoint::score).containsExactly(
        org.assertj.core.groups.Tuple.tuple(t(0), 50.0),
        org.assertj.core.groups.Tuple.tuple(t(60), 75.5));
    assertThat(baseline.get(0).open()).containsEntry(Severity.CRITICAL, 3)
        .containsEntry(Severity.LOW, 1).containsEntry(Severity.HIGH, 0);
    assertThat(baseline.get(0).suppressed()).isEqualTo(2);
    assertThat(store.trend(PROD, "test-baseline", t(1), t(60))).isEmpty();
    assertThat(store.trend(PROD, "test-supply-chain", t(0), t(100)))
        .singleElement().satisfies(p -> assertThat(p.score()).isNaN());
    assertThat(store.postureTrend(PROD, t(0), t(100))).extracting(TrendPoint::score)
        .containsExactly(40.0, 62.5);
    assertThat(store.postureTrend(STAGING, t(0), t(100))).singleElement()
        .satisfies(p -> assertThat(p.score()).isNaN());
    assertThat(store.namespacePosture(PROD, t(59))).containsOnlyKeys("web", "")
        .containsEntry("web", Map.of(Severity.CRITICAL, 3, Severity.HIGH, 0, Severity.MEDIUM,
            0, Severity.LOW, 0));
    assertThat(store.namespacePosture(PROD, t(60))).containsOnlyKeys("web");
  }

  // Exceptions

  static ExceptionSpec spec(String reason, java.time.LocalDate expires) {
    return new ExceptionSpec(List.of(PROD), List.of(PRIVILEGED), List.of("kube-*"),
        List.of("DaemonSet"), List.of("node-exporter*"), Map.of("app", "node-exporter"), reason,
        "platform@example.com", expires);
  }

  @Test
  void managesExceptionsWithAnAuditTrail() {
    StoredException created = store.createException(
        spec("reads node metrics", java.time.LocalDate.of(2026, 12, 31)), "alice", t(0));
    StoredException updated = store.updateException(created.id(),
        spec("reads node metrics over the host network", java.time.LocalDate.of(2027, 3, 31)),
        "bob", t(1));
    StoredException expired = store.expireException(created.id(), "carol",
        Instant.parse("2026-07-10T08:00:00Z"));
    StoredException expiredAgain = store.expireException(created.id(), "carol",
        Instant.parse("2026-07-11T08:00:00Z"));

    assertThat(updated.revision()).isEqualTo(2);
    assertThat(updated.createdBy()).isEqualTo("alice");
    assertThat(updated.updatedBy()).isEqualTo("bob");
    assertThat(expired.spec().expires()).isEqualTo(java.time.LocalDate.of(2026, 7, 9));
    assertThat(expired.activeOn(java.time.LocalDate.of(2026, 7, 10))).isFalse();
    assertThat(expiredAgain).isEqualTo(expired);
    assertThat(store.exception(created.id())).contains(expired);
    assertThat(store.exceptions()).containsExactly(expired);

    store.deleteException(created.id(), "dave", t(4));
    assertThat(store.exception(created.id())).isEmpty();
    assertThatThrownBy(() -> store.updateException(created.id(),
        spec("x", java.time.LocalDate.of(2027, 1, 1)), "eve", t(5)))
        .isInstanceOf(java.util.NoSuchElementException.class);

    List<AuditEntry> audit = store.exceptionAudit(created.id());
    assertThat(audit).extracting(AuditEntry::action, AuditEntry::actor).containsExactly(
        org.assertj.core.groups.Tuple.tuple("CREATE", "alice"),
        org.assertj.core.groups.Tuple.tuple("UPDATE", "bob"),
        org.assertj.core.groups.Tuple.tuple("EXPIRE", "carol"),
        org.assertj.core.groups.Tuple.tuple("DELETE", "dave"));
    assertThat(audit.get(0).before()).isNull();
    assertThat(audit.get(0).after()).contains("\"reason\":\"reads node metrics\"");
    assertThat(audit.get(1).before()).contains("2026-12-31");
    assertThat(audit.get(1).after()).contains("2027-03-31").contains("over the host network");
    assertThat(audit.get(2).after()).contains("2026-07-09");
    assertThat(audit.get(3).after()).isNull();
    assertThat(audit.get(3).at()).isEqualTo(t(4));
    assertThat(store.exceptionAudit(null)).hasSize(4);
  }

  @Test
  void rejectsIncompleteExceptions() {
    assertThatThrownBy(() -> new ExceptionSpec(List.of(), List.of(), List.of(), List.of(),
        List.of(), Map.of(), "r", "o", java.time.LocalDate.of(2027, 1, 1)))
        .hasMessageContaining("controls");
    assertThatThrownBy(() -> new ExceptionSpec(List.of(), List.of("*"), List.of(), List.of(),
        List.of(), Map.of(), " ", "o", java.time.LocalDate.of(2027, 1, 1)))
        .hasMessageContaining("reason");
    assertThatThrownBy(() -> store.createException(spec("r", java.time.LocalDate.of(2027, 1,
        1)), " ", t(0))).hasMessageContaining("actor");
    assertThat(store.exceptions()).isEmpty();
    assertThat(store.exceptionAudit(null)).isEmpty();
  }

  @Test
  void storedExceptionsSuppressFindingsInTheEngine() {
    StoredException e = store.createException(new ExceptionSpec(List.of(PROD),
        List.of(HOST_NETWORK), List.of("monitoring"), List.of(), List.of("node-*"), Map.of(),
        "reads node metrics", "platform", java.time.LocalDate.of(2026, 12, 31)), "alice", t(0));
    store.createException(new ExceptionSpec(List.of(STAGING), List.of("*"), List.of(),
        List.of(), List.of(), Map.of(), "staging is a sandbox", "platform",
        java.time.LocalDate.of(2026, 12, 31)), "alice", t(0));
    String yaml = """
        apiVersion: v1
        kind: Pod
        metadata: {name: node-exporter-x, namespace: monitoring}
        spec:
          hostNetwork: true
          containers: [{name: c, image: "prom/node-exporter:v1.8.0"}]
        ---
        apiVersion: v1
        kind: Pod
        metadata: {name: web, namespace: shop}
        spec:
          hostNetwork: true
          containers: [{name: c, image: "nginx:1.27"}]
        """;
    dev.plumbline.scan.ScanOptions options = dev.plumbline.scan.ScanOptions.of(
        dev.plumbline.scan.Selection.resolve(Fixtures.LIBRARY, List.of(), List.of(), null,
            Map.of()))
        .withExceptions(store.exceptionSet(PROD))
        .withClock(java.time.Clock.fixed(t(0), java.time.ZoneOffset.UTC));
    dev.plumbline.scan.ScanResult scan = new dev.plumbline.scan.Scanner(options)
        .scan(new dev.plumbline.resource.ManifestReader().readString("pods.yaml", yaml));

    assertThat(store.exceptionSet(PROD).all()).hasSize(1);
    assertThat(scan.suppressed()).hasSize(1);
    store.reconcile(PROD, Scope.cluster(), scan.findings(), scan.suppressed(), t(0));
    assertThat(store.findings(FindingQuery.all().statuses(FindingStatus.SUPPRESSED)).items())
        .singleElement().satisfies(f -> {
          assertThat(f.exceptionId()).isEqualTo(e.id());
          assertThat(f.resource().name()).isEqualTo("node-exporter-x");
          assertThat(f.originFile()).isEqualTo("pods.yaml");
          assertThat(f.line()).isEqualTo(5);
        });
    assertThat(store.findings(FindingQuery.all().statuses(FindingStatus.OPEN)).items())
        .singleElement().satisfies(f -> assertThat(f.resource().name()).isEqualTo("web"));

    long snapshot = store.recordSnapshot(PROD, t(0), Posture.of(scan));
    assertThat(snapshot).isPositive();
    assertThat(store.trend(PROD, "test-baseline", t(0), t(1))).singleElement().satisfies(p -> {
      assertThat(p.score()).isEqualTo(scan.frameworks().stream()
          .filter(f -> f.framework().id().equals("test-baseline")).findFirst().orElseThrow()
          .score());
      assertThat(p.open()).containsEntry(Severity.HIGH, 1);
      assertThat(p.suppressed()).isEqualTo(1);
    });
    assertThat(store.namespacePosture(PROD, t(0))).containsOnlyKeys("shop");
  }

  // Large reconciles: more rows than a write batch, every batch boundary crossed.

  /** Findings in a large reconcile: more than a batch or chunk of rows, and not a multiple. */
  static final int BULK = 2_501;

  /** Findings {@code from} to {@code to} (exclusive), one per pod, over 13 namespaces. */
  static List<Finding> bulk(int from, int to) {
    List<Finding> out = new ArrayList<>();
    for (int i = from; i < to; i++) {
      ResourceRef pod = pod("ns-" + (i % 13), "bulk-" + i);
      out.add(i % 2 == 0 ? privileged(pod, 0) : latest(pod, 1));
    }
    return out;
  }

  /** One alert of every change, suppressions included. */
  static Function<ReconcileResult, List<AlertEvent>> everyChange(String sink) {
    return r -> r.changes().stream().map(ch -> AlertEvent.of(sink, ch, "{}")).toList();
  }

  /** Every transition with its count; those not given are 0. */
  static Map<Transition, Long> events(Object... transitionsAndCounts) {
    Map<Transition, Long> m = new java.util.EnumMap<>(Transition.class);
    for (Transition t : Transition.values()) {
      m.put(t, 0L);
    }
    for (int i = 0; i < transitionsAndCounts.length; i += 2) {
      m.put((Transition) transitionsAndCounts[i],
          ((Number) transitionsAndCounts[i + 1]).longValue());
    }
    return m;
  }

  /** The queued alerts of a sink as "transition finding occurrence". */
  Set<String> queued(String sink) {
    List<Alert> all = store.alerts(sink, null, 100_000);
    Set<String> keys = new HashSet<>();
    for (Alert a : all) {
      keys.add(a.event().transition() + " " + a.event().findingId() + " "
          + a.event().occurrence());
    }
    assertThat(keys).as("no alert queued twice").hasSameSizeAs(all);
    return keys;
  }

  static Set<String> alertKeys(ReconcileResult r) {
    Set<String> keys = new HashSet<>();
    r.changes().forEach(ch -> keys.add(ch.transition() + " " + ch.finding().id() + " "
        + ch.finding().revision()));
    return keys;
  }

  @Test
  void aLargeReconcileRecordsEachChangeExactlyOnce() {
    List<Finding> first = bulk(0, BULK);
    ReconcileResult r0 = store.reconcile(PROD, Scope.cluster(), first, List.of(), t(0),
        everyChange("bulk"));
    assertThat(ids(r0.created())).hasSize(BULK)
        .containsExactlyInAnyOrderElementsOf(first.stream().map(Finding::id).toList());
    assertThat(store.countEvents(PROD, t(0), t(1))).isEqualTo(events(Transition.NEW, BULK));
    assertThat(store.findings(FindingQuery.all().statuses(FindingStatus.OPEN)).total())
        .isEqualTo(BULK);
    Set<String> alerts = new HashSet<>(alertKeys(r0));
    assertThat(queued("bulk")).isEqualTo(alerts);

    // A third fixed, a fifth of the rest under an exception, 700 new.
    List<Finding> open = new ArrayList<>();
    List<dev.plumbline.scan.Suppressed> covered = new ArrayList<>();
    Set<String> fixed = new HashSet<>();
    Set<String> excepted = new HashSet<>();
    for (int i = 0; i < BULK; i++) {
      Finding f = first.get(i);
      if (i % 3 == 0) {
        fixed.add(f.id());
      } else if (i % 5 == 0) {
        covered.add(suppressed(f, "bulk-exception"));
        excepted.add(f.id());
      } else {
        open.add(f);
      }
    }
    List<Finding> added = bulk(BULK, BULK + 700);
    open.addAll(added);
    ReconcileResult r1 = store.reconcile(PROD, Scope.cluster(), open, covered, t(1),
        everyChange("bulk"));
    assertThat(ids(r1.resolved())).containsExactlyInAnyOrderElementsOf(fixed);
    assertThat(ids(r1.suppressed())).containsExactlyInAnyOrderElementsOf(excepted);
    assertThat(ids(r1.created())).containsExactlyInAnyOrderElementsOf(
        added.stream().map(Finding::id).toList());
    assertThat(r1.reopened()).isEmpty();
    assertThat(r1.unchanged()).isEqualTo(BULK - fixed.size() - excepted.size());
    assertThat(store.countEvents(PROD, t(1), t(2))).isEqualTo(events(Transition.NEW, 700,
        Transition.RESOLVED, fixed.size(), Transition.SUPPRESSED, excepted.size()));
    alerts.addAll(alertKeys(r1));
    assertThat(queued("bulk")).isEqualTo(alerts);

    // The fixed ones come back, the exception ends, the 700 are fixed.
    ReconcileResult r2 = store.reconcile(PROD, Scope.cluster(), first, List.of(), t(2),
        everyChange("bulk"));
    assertThat(ids(r2.reopened())).containsExactlyInAnyOrderElementsOf(fixed);
    assertThat(ids(r2.unsuppressed())).containsExactlyInAnyOrderElementsOf(excepted);
    assertThat(ids(r2.resolved())).containsExactlyInAnyOrderElementsOf(
        added.stream().map(Finding::id).toList());
    assertThat(r2.created()).isEmpty();
    assertThat(r2.reopened()).allSatisfy(f -> {
      assertThat(f.reopenCount()).isEqualTo(1);
      assertThat(f.firstSeen()).isEqualTo(t(0));
      assertThat(f.revision()).isEqualTo(3);
    });
    assertThat(store.countEvents(PROD, t(2), t(3))).isEqualTo(events(Transition.REOPENED,
        fixed.size(), Transition.UNSUPPRESSED, excepted.size(), Transition.RESOLVED, 700));
    alerts.addAll(alertKeys(r2));
    assertThat(queued("bulk")).isEqualTo(alerts);

    // The same evaluation again: nothing changes status, only last seen moves.
    ReconcileResult r3 = store.reconcile(PROD, Scope.cluster(), first, List.of(), t(3),
        everyChange("bulk"));
    assertThat(r3.isQuiet()).isTrue();
    assertThat(r3.unchanged()).isEqualTo(BULK);
    assertThat(store.countEvents(PROD, t(3), t(4))).isEqualTo(events());
    assertThat(queued("bulk")).isEqualTo(alerts);
    assertThat(store.findings(FindingQuery.all().statuses(FindingStatus.OPEN)
        .sort(FindingQuery.Sort.LAST_SEEN, false).page(0, 1)).items())
        .extracting(StoredFinding::lastSeen).containsExactly(t(3));

    long total = BULK + 2 * 700 + 2L * (fixed.size() + excepted.size());
    assertThat(store.countEvents(PROD, t(0), t(10)).values().stream().mapToLong(Long::longValue)
        .sum()).isEqualTo(total);
    assertThat(alerts).as("one alert per event").hasSize((int) total);
    Finding reopened = first.get(3);
    assertThat(store.findingHistory(PROD, reopened.id()))
        .extracting(FindingEvent::revision, FindingEvent::transition)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(1, Transition.NEW),
            org.assertj.core.groups.Tuple.tuple(2, Transition.RESOLVED),
            org.assertj.core.groups.Tuple.tuple(3, Transition.REOPENED));
    assertCountsAgree();
  }

  @Test
  void aLargeReconcileThatFailsAtTheCommitLeavesNoRowAndIsRepeatedWhole() {
    List<Finding> first = bulk(0, BULK);
    store.reconcile(PROD, Scope.cluster(), first, List.of(), t(0), everyChange("bulk"));
    List<Finding> kept = first.subList(0, 1_200);
    List<Finding> added = bulk(BULK, BULK + 1_300);
    List<Finding> next = new ArrayList<>(kept);
    next.addAll(added);

    store.beforeCommit(() -> {
      throw new IllegalStateException("crash before the commit");
    });
    assertThatThrownBy(() -> store.reconcile(PROD, Scope.cluster(), next, List.of(), t(1),
        everyChange("bulk"))).hasMessage("crash before the commit");
    store.beforeCommit(null);

    assertThat(store.countEvents(PROD, t(1), t(2))).isEqualTo(events());
    assertThat(store.alertCounts("bulk")).containsEntry(Alert.State.PENDING, (long) BULK);
    assertThat(store.findings(FindingQuery.all()).total()).isEqualTo(BULK);
    assertThat(store.findings(FindingQuery.all().statuses(FindingStatus.OPEN)
        .sort(FindingQuery.Sort.LAST_SEEN, true).page(0, 1)).items())
        .extracting(StoredFinding::lastSeen).containsExactly(t(0));
    assertCountsAgree();

    ReconcileResult retry = store.reconcile(PROD, Scope.cluster(), next, List.of(), t(1),
        everyChange("bulk"));
    assertThat(retry.created()).hasSize(1_300);
    assertThat(retry.resolved()).hasSize(BULK - 1_200);
    assertThat(retry.unchanged()).isEqualTo(1_200);
    assertThat(store.countEvents(PROD, t(1), t(2))).isEqualTo(events(Transition.NEW, 1_300,
        Transition.RESOLVED, BULK - 1_200));
    assertThat(store.alertCounts("bulk")).containsEntry(Alert.State.PENDING,
        (long) BULK + 1_300 + BULK - 1_200);
    assertThat(store.findings(FindingQuery.all()).total()).isEqualTo(BULK + 1_300);
    assertCountsAgree();
  }

  // Alerts

  static java.util.function.Function<ReconcileResult, List<AlertEvent>> alertsTo(String sink) {
    return r -> r.changes().stream()
        .filter(ch -> ch.transition() != Transition.SUPPRESSED)
        .map(ch -> AlertEvent.of(sink, ch, "{\"finding\":\"" + ch.finding().id() + "\"}"))
        .toList();
  }

  @Test
  void queuesTheAlertsOfAReconcileOncePerChange() {
    Finding a = privileged(pod("web", "a"), 0);
    store.reconcile(PROD, Scope.cluster(), List.of(a), List.of(), t(0), alertsTo("webhook"));
    store.reconcile(PROD, Scope.cluster(), List.of(a), List.of(), t(1), alertsTo("webhook"));
    store.reconcile(PROD, Scope.cluster(), List.of(), List.of(), t(2), alertsTo("webhook"));
    store.reconcile(PROD, Scope.cluster(), List.of(a), List.of(), t(3), alertsTo("webhook"));

    List<Alert> queued = store.alerts("webhook", Alert.State.PENDING, 10);
    assertThat(queued).extracting(al -> al.event().transition(), al -> al.event().occurrence())
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(Transition.REOPENED, 3),
            org.assertj.core.groups.Tuple.tuple(Transition.RESOLVED, 2),
            org.assertj.core.groups.Tuple.tuple(Transition.NEW, 1));
    AlertEvent first = queued.get(2).event();
    assertThat(first.cluster()).isEqualTo(PROD);
    assertThat(first.findingId()).isEqualTo(a.id());
    assertThat(first.payload()).contains(a.id());
    assertThat(queued.get(2).createdAt()).isEqualTo(t(0));

    assertThat(store.enqueueAlerts(List.of(first), t(4))).as("already queued").isZero();
    assertThat(store.enqueueAlerts(List.of(new AlertEvent("chat", PROD, a.id(), Transition.NEW,
        1, "{}")), t(4))).as("another sink").isEqualTo(1);
    assertThat(store.alertCounts(null)).containsEntry(Alert.State.PENDING, 4L);
    AlertEvent twice = new AlertEvent("chat", PROD, a.id(), Transition.RESOLVED, 2, "{}");
    assertThat(store.enqueueAlerts(List.of(twice, twice), t(4))).as("twice in one call")
        .isEqualTo(1);
    assertThat(store.alertCounts("chat")).containsEntry(Alert.State.PENDING, 2L);
  }

  @Test
  void deliversRetriesAndGivesUp() {
    List<AlertEvent> events = new ArrayList<>();
    for (int i = 1; i <= 3; i++) {
      events.add(new AlertEvent("webhook", PROD, "f" + i, Transition.NEW, 1, "{}"));
    }
    events.add(new AlertEvent("syslog", PROD, "f1", Transition.NEW, 1, "<1>"));
    store.enqueueAlerts(events, t(0));

    List<Alert> claimed = store.claimDue("webhook", 2, t(0));
    assertThat(claimed).extracting(al -> al.event().findingId()).containsExactly("f1", "f2");
    assertThat(claimed).allMatch(al -> al.state() == Alert.State.CLAIMED);
    assertThat(store.claimDue("webhook", 10, t(0))).as("claimed ones are not due")
        .extracting(al -> al.event().findingId()).containsExactly("f3");

    store.markDelivered(claimed.get(0).id(), t(1));
    store.markFailed(claimed.get(1).id(), 1, t(10), "HTTP 503");
    assertThat(store.claimDue("webhook", 10, t(4))).as("not due before the backoff").isEmpty();
    // The claim of f3 lapses: its sender died; it is due again after five minutes.
    assertThat(store.claimDue("webhook", 10, t(6))).extracting(al -> al.event().findingId())
        .containsExactly("f3");
    List<Alert> retry = store.claimDue("webhook", 10, t(10));
    assertThat(retry).singleElement().satisfies(al -> {
      assertThat(al.event().findingId()).isEqualTo("f2");
      assertThat(al.attempts()).isEqualTo(1);
      assertThat(al.lastError()).isEqualTo("HTTP 503");
    });
    store.markFailed(retry.get(0).id(), 2, null, "HTTP 410 Gone");

    assertThat(store.alertCounts("webhook")).containsEntry(Alert.State.DELIVERED, 1L)
        .containsEntry(Alert.State.DEAD, 1L).containsEntry(Alert.State.CLAIMED, 1L)
        .containsEntry(Alert.State.PENDING, 0L);
    assertThat(store.alerts("webhook", Alert.State.DELIVERED, 10)).singleElement()
        .satisfies(al -> assertThat(al.deliveredAt()).isEqualTo(t(1)));
    assertThat(store.alerts("webhook", Alert.State.DEAD, 10)).singleElement()
        .satisfies(al -> assertThat(al.lastError()).isEqualTo("HTTP 410 Gone"));
    assertThat(store.alertCounts("syslog")).containsEntry(Alert.State.PENDING, 1L);
    assertThatThrownBy(() -> store.markDelivered(99_999, t(1)))
        .isInstanceOf(java.util.NoSuchElementException.class);
  }

  @Test
  void concurrentSendersClaimDisjointAlerts() throws Exception {
    List<AlertEvent> events = new ArrayList<>();
    for (int i = 0; i < 60; i++) {
      events.add(new AlertEvent("webhook", PROD, "f" + i, Transition.NEW, 1, "{}"));
    }
    store.enqueueAlerts(events, t(0));
    ExecutorService pool = Executors.newFixedThreadPool(3);
    try {
      List<Future<List<Alert>>> claims = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        claims.add(pool.submit(() -> {
          List<Alert> mine = new ArrayList<>();
          List<Alert> batch;
          do {
            batch = store.claimDue("webhook", 7, t(1));
            mine.addAll(batch);
          } while (!batch.isEmpty());
          return mine;
        }));
      }
      Set<Long> seen = new HashSet<>();
      int total = 0;
      for (Future<List<Alert>> f : claims) {
        for (Alert a : f.get()) {
          assertThat(seen.add(a.id())).as("claimed twice: " + a.id()).isTrue();
          total++;
        }
      }
      assertThat(total).isEqualTo(60);
    } finally {
      pool.shutdownNow();
    }
  }

  // Migrations

  @Test
  void migratingAgainIsANoOpAndKeepsTheData() throws Exception {
    Finding a = privileged(pod("web", "a"), 0);
    store.reconcile(PROD, Scope.cluster(), List.of(a), t(0));
    store.close();

    store = reopen();
    assertThat(store.finding(PROD, a.id())).isPresent();
    assertThat(store.reconcile(PROD, Scope.cluster(), List.of(a), t(1)).isQuiet()).isTrue();
    store.close();
    store = reopen();
    assertThat(store.findings(FindingQuery.all()).total()).isEqualTo(1);
    assertThat(migrations()).containsExactly("1", "2", "3");
  }

  @Test
  void recordsAdmissionEventsAndPagesThemNewestFirst() {
    ResourceRef web = new ResourceRef("apps/v1", "Deployment", "shop", "web");
    List<AdmissionEvent> events = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      events.add(new AdmissionEvent(0, t(i), PROD, "uid-" + i, "CREATE", web, "alice",
          i % 2 == 0 ? "AUDIT" : "ENFORCE", i % 2 == 0, "privileged-containers",
          "spec.template.spec.containers[0].securityContext.privileged", "privileged: true"));
    }
    events.add(new AdmissionEvent(0, t(9), STAGING, "uid-9", "UPDATE",
        new ResourceRef("v1", "Pod", null, "p"), null, "MUTATE", true, "missing-seccomp-profile",
        null, "x".repeat(5000)));
    assertThat(store.recordAdmissionEvents(events)).isEqualTo(6);

    Page<AdmissionEvent> all = store.admissionEvents(null, null, null, null, 0, 4);
    assertThat(all.total()).isEqualTo(6);
    assertThat(all.items()).extracting(AdmissionEvent::reviewUid)
        .containsExactly("uid-9", "uid-4", "uid-3", "uid-2");
    assertThat(all.hasMore()).isTrue();
    AdmissionEvent mutated = all.items().get(0);
    assertThat(mutated.resource().namespace()).isEmpty();
    assertThat(mutated.user()).isNull();
    assertThat(mutated.path()).isNull();
    assertThat(mutated.message()).hasSize(4000);
    assertThat(mutated.id()).isPositive();
    assertThat(mutated.at()).isEqualTo(t(9));

    Page<AdmissionEvent> audited = store.admissionEvents(PROD, "AUDIT", "shop",
        "privileged-containers", 1, 10);
    assertThat(audited.total()).isEqualTo(3);
    assertThat(audited.items()).extracting(AdmissionEvent::reviewUid)
        .containsExactly("uid-2", "uid-0");
    assertThat(audited.items().get(0).allowed()).isTrue();
    assertThat(audited.items().get(0).resource()).isEqualTo(web);
    assertThat(store.admissionEvents(null, "WARN", null, null, 0, 10).total()).isZero();
    assertThat(store.recordAdmissionEvents(List.of())).isZero();
  }

  /** The versions in Flyway's schema history. */
  abstract List<String> migrations() throws Exception;
}
