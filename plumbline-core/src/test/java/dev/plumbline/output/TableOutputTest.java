package dev.plumbline.output;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TableOutputTest {
  @Test
  void noColourUnlessAsked() {
    assertThat(Scans.render(OutputFormat.TABLE, Scans.golden())).doesNotContain("\u001b");
    assertThat(Scans.render(OutputFormat.TABLE, Scans.golden(), Scans.COLOR))
        .contains("\u001b[1;35mCRITICAL\u001b[0m");
  }

  @Test
  void findingsAreGroupedByResourceWorstFirst() {
    String table = Scans.render(OutputFormat.TABLE, Scans.golden());
    int agent = table.indexOf("DaemonSet/monitoring/node-agent  (");
    int critical = table.indexOf("CRITICAL  test-privileged", agent);
    int low = table.indexOf("LOW       test-latest-tag", agent);
    int nextResource = table.indexOf("CronJob/nightly-backup  (");
    assertThat(agent).isNotNegative();
    assertThat(critical).isBetween(agent, low);
    assertThat(low).isLessThan(nextResource);
  }

  @Test
  void findingShowsLocationPathValueMessageAndFix() {
    assertThat(Scans.render(OutputFormat.TABLE, Scans.golden())).contains("""
          CRITICAL  test-privileged  src/test/resources/output/manifests/agent.yaml:18
                    Container "setup" runs privileged.
                    spec.template.spec.initContainers[0].securityContext.privileged = true
                    fix: Remove `securityContext.privileged` or set it to `false`.
        """);
  }

  @Test
  void summaryListsCountsExceptionsScoresErrorsNotesAndSkippedKinds() {
    String table = Scans.render(OutputFormat.TABLE, Scans.golden());
    assertThat(table)
        .contains("Findings      2 critical, 1 high, 1 medium, 2 low (6 total)")
        .contains("1 by node-agent-host-network: platform-team@example.com, expires 2027-03-31")
        .contains("legacy-batch: batch-team@example.com, expired 2026-01-31, no longer applies")
        .contains("Resources     5 judged in 6 files (Pod Security Standards v1.37)")
        .contains("Not scanned   ConfigMap (1), Service (1)")
        .containsPattern("Posture       \\d+\\.\\d / 100")
        .containsPattern(
            "test-baseline  \\d+\\.\\d / 100  requirements: 0 pass, 4 fail, 0 n/a, 1 manual")
        .contains("src/test/resources/output/manifests/broken.yaml:6: YAML syntax error")
        .contains("src/test/resources/output/manifests/settings.yaml:2: document is not a");
  }

  @Test
  void nothingJudgedPrintsNotApplicableScores() {
    String table = Scans.render(OutputFormat.TABLE, Scans.empty());
    assertThat(table).startsWith("No findings.\n")
        .contains("Posture       n/a\n")
        .contains("test-baseline  n/a  requirements: 0 pass, 0 fail, 4 n/a, 1 manual")
        .doesNotContain("NaN");
  }

  @Test
  void liveObjectShowsItsResourceVersion() {
    assertThat(Scans.render(OutputFormat.TABLE, Scans.live(LiveObjects.all())))
        .contains("Deployment/payments/api  (resourceVersion 4711)\n")
        .containsPattern("Resources +\\d+ judged in the cluster \\(");
  }
}
