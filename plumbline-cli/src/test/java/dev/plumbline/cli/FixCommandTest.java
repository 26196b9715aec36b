package dev.plumbline.cli;

import static dev.plumbline.cli.CliTest.run;
import static org.assertj.core.api.Assertions.assertThat;

import dev.plumbline.cli.CliTest.Run;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code plumbline fix PATH...}: in place, dry run, safe and unsafe, bad input. */
class FixCommandTest {
  @TempDir
  Path dir;

  /**
   * Findings with patches: one safe (privilege escalation of the cache), one not (privileged
   * web), and one whose patch is withheld (privilege escalation of the privileged web: the API
   * server refuses allowPrivilegeEscalation: false next to privileged: true).
   */
  private static final String DEPLOYMENT = """
      # the web shop's front end
      apiVersion: apps/v1
      kind: Deployment
      metadata:
        name: web   # keep this comment
        namespace: shop
      spec:
        selector:
          matchLabels: {app: web}
        template:
          metadata:
            labels: {app: web}
          spec:
            containers:
              - name: web
                image: "nginx:1.27"
                securityContext:
                  privileged: yes
              - name: cache
                image: "redis:7.4"
      """;

  /** The cache's patch, as the fixer writes it. */
  private static final String CACHE_FIXED = """
                image: "redis:7.4"
                securityContext:
                  allowPrivilegeEscalation: false
      """;

  /** The text with the cache's patch applied. */
  private static String cacheFixed(String text) {
    return text.replace("          image: \"redis:7.4\"\n", CACHE_FIXED);
  }

  /** The Deployment with the web container only. */
  private static final String WEB_ONLY = DEPLOYMENT.substring(0,
      DEPLOYMENT.lastIndexOf('\n', DEPLOYMENT.indexOf("- name: cache")) + 1);

  private Path write(String name, String text) throws IOException {
    Path file = dir.resolve(name);
    Files.createDirectories(file.getParent());
    Files.writeString(file, text, StandardCharsets.UTF_8);
    return file;
  }

  private static String read(Path file) throws IOException {
    return Files.readString(file, StandardCharsets.UTF_8);
  }

  private static final String CONTROLS = "privilege-escalation-allowed,privileged-containers";

  @Test
  void appliesSafePatchesInPlaceAndLeavesTheRestForAPerson() throws IOException {
    Path file = write("web.yaml", DEPLOYMENT);
    Run r = run("fix", "--control", CONTROLS, file.toString());
    assertThat(r.code()).as(r.err()).isEqualTo(1);
    assertThat(read(file)).isEqualTo(cacheFixed(DEPLOYMENT));
    assertThat(r.out()).contains("fixed  " + file + ":19  privilege-escalation-allowed  "
        + "Deployment/shop/web  spec.template.spec.containers[1].securityContext"
        + ".allowPrivilegeEscalation")
        .contains("left for a person:")
        .contains(file + ":18  privileged-containers")
        .contains("run with --all")
        .contains("Remove `securityContext.privileged`")
        .contains(file + ":17  privilege-escalation-allowed  Deployment/shop/web  "
            + "spec.template.spec.containers[0].securityContext.allowPrivilegeEscalation\n"
            + "      the automatic fix does not fit here")
        .contains("fixed 1 finding(s) in 1 file(s); 2 left for a person");
  }

  @Test
  void allAppliesUnsafePatchesTooAndTheWithheldOneOnTheNextRun() throws IOException {
    Path file = write("web.yaml", DEPLOYMENT);
    Run first = run("fix", "--all", "--control", CONTROLS, file.toString());
    // the web container was privileged when scanned: its allowPrivilegeEscalation patch waits
    assertThat(first.code()).as(first.out() + first.err()).isEqualTo(1);
    assertThat(first.out()).contains("the automatic fix does not fit here")
        .contains("fixed 2 finding(s) in 1 file(s); 1 left for a person");
    assertThat(read(file)).isEqualTo(cacheFixed(DEPLOYMENT).replace("privileged: yes\n",
        "privileged: false\n"));
    Run second = run("fix", "--all", "--control", CONTROLS, file.toString());
    assertThat(second.code()).as(second.out()).isZero();
    String fixed = read(file);
    assertThat(fixed).isEqualTo(cacheFixed(DEPLOYMENT).replace("privileged: yes\n",
        "privileged: false\n            allowPrivilegeEscalation: false\n"));
    Run third = run("fix", "--all", "--control", CONTROLS, file.toString());
    assertThat(third.code()).isZero();
    assertThat(third.out()).contains("nothing fixed; 0 left for a person");
    assertThat(read(file)).isEqualTo(fixed);
  }

  @Test
  void dryRunPrintsAUnifiedDiffAndChangesNothing() throws IOException {
    Path file = write("web.yaml", DEPLOYMENT);
    Run r = run("fix", "--dry-run", "--all", "--control", CONTROLS, file.toString());
    assertThat(r.code()).isEqualTo(1); // the privileged web's escalation is left for a person
    assertThat(read(file)).isEqualTo(DEPLOYMENT);
    assertThat(r.out()).isEqualTo("--- a/" + file + "\n+++ b/" + file + "\n"
        + "@@ -15,6 +15,8 @@\n"
        + "         - name: web\n"
        + "           image: \"nginx:1.27\"\n"
        + "           securityContext:\n"
        + "-            privileged: yes\n"
        + "+            privileged: false\n"
        + "         - name: cache\n"
        + "           image: \"redis:7.4\"\n"
        + "+          securityContext:\n"
        + "+            allowPrivilegeEscalation: false\n");
    assertThat(r.err()).contains("would fix  " + file + ":18  privileged-containers");
  }

  @Test
  void keepsFilePermissionsAndLeavesNoTemporaryFiles() throws IOException {
    Path file = write("web.yaml", DEPLOYMENT);
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r-----"));
    run("fix", "--control", CONTROLS, file.toString());
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
        .isEqualTo("rw-r-----");
    try (Stream<Path> files = Files.list(dir)) {
      assertThat(files).containsExactly(file);
    }
  }

  @Test
  void fixesThroughASymbolicLinkAndKeepsTheLink() throws IOException {
    Path real = write("real/web.yaml", DEPLOYMENT);
    Path link = Files.createSymbolicLink(dir.resolve("link.yaml"), real);
    run("fix", "--control", CONTROLS, link.toString());
    assertThat(Files.isSymbolicLink(link)).isTrue();
    assertThat(read(real)).contains("allowPrivilegeEscalation: false");
  }

  @Test
  void neverTouchesAFileWithAParseErrorAndStillFixesTheOthers() throws IOException {
    String broken = DEPLOYMENT + "  bad: [unclosed\n";
    Path bad = write("a/bad.yaml", broken);
    Path good = write("a/good.yaml", DEPLOYMENT);
    Run r = run("fix", "--control", CONTROLS, dir.resolve("a").toString());
    assertThat(r.code()).isEqualTo(2);
    assertThat(read(bad)).isEqualTo(broken);
    assertThat(read(good)).contains("allowPrivilegeEscalation: false");
    assertThat(r.out()).contains("error: " + dir.resolve("a") + "/bad.yaml:22");
  }

  @Test
  void leavesFilesWithAnchorsAndNamesTheLine() throws IOException {
    String text = DEPLOYMENT.replace("matchLabels: {app: web}", "matchLabels: &l {app: web}")
        .replace("labels: {app: web}\n    spec", "labels: *l\n    spec");
    Path file = write("anchors.yaml", text);
    Run r = run("fix", "--control", CONTROLS, file.toString());
    assertThat(r.code()).isEqualTo(1);
    assertThat(read(file)).isEqualTo(text);
    assertThat(r.out()).contains("file not edited: uses YAML anchors and aliases")
        .contains("(line 9)");
  }

  @Test
  void leavesJsonFilesWithANote() throws IOException {
    Path file = write("pod.json", """
        {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"},
         "spec": {"containers": [{"name": "c", "image": "busybox:1.36"}]}}
        """);
    String before = read(file);
    Run r = run("fix", "--control", "privilege-escalation-allowed", file.toString());
    assertThat(r.code()).isEqualTo(1);
    assertThat(read(file)).isEqualTo(before);
    assertThat(r.out()).contains("JSON is not edited");
  }

  @Test
  void leavesInvalidUtf8Untouched() throws IOException {
    Path file = dir.resolve("latin1.yaml");
    byte[] bytes = DEPLOYMENT.replace("keep this comment", "caf\u00e9")
        .getBytes(StandardCharsets.ISO_8859_1);
    Files.write(file, bytes);
    Run r = run("fix", "--control", CONTROLS, file.toString());
    assertThat(r.code()).isEqualTo(2);
    assertThat(Files.readAllBytes(file)).isEqualTo(bytes);
    assertThat(r.out()).contains(file + ":5");
  }

  @Test
  void fixesEveryDocumentAndListItem() throws IOException {
    String text = """
        apiVersion: v1
        kind: List
        items:
          - apiVersion: v1
            kind: Pod
            metadata: {name: a}
            spec:
              containers: [{name: c, image: "busybox:1.36"}]
        ---
        apiVersion: batch/v1
        kind: CronJob
        metadata: {name: b}
        spec:
          schedule: "* * * * *"
          jobTemplate:
            spec:
              template:
                spec:
                  containers:
                  - name: c
                    image: busybox:1.36
        """;
    Path file = write("many.yaml", text);
    Run r = run("fix", "--control", "privilege-escalation-allowed", file.toString());
    assertThat(r.code()).as(r.out()).isZero();
    assertThat(read(file)).isEqualTo(text
        .replace("[{name: c, image: \"busybox:1.36\"}]",
            "[{name: c, image: \"busybox:1.36\", securityContext: "
                + "{allowPrivilegeEscalation: false}}]")
        .replace("    image: busybox:1.36\n", "    image: busybox:1.36\n"
            + "            securityContext:\n"
            + "              allowPrivilegeEscalation: false\n"));
  }

  @Test
  void refusesAYamlBombWithoutExpandingItAndNamesTheFile() throws IOException {
    StringBuilder bomb = new StringBuilder("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
    for (int i = 1; i < 10; i++) {
      bomb.append("a").append(i).append(": &a").append(i).append(" [");
      for (int j = 0; j < 10; j++) {
        bomb.append(j > 0 ? ", " : "").append("*a").append(i - 1);
      }
      bomb.append("]\n");
    }
    String text = DEPLOYMENT + "---\n" + bomb;
    Path file = write("bomb.yaml", text);
    Run r = run("fix", "--all", "--control", CONTROLS, file.toString());
    assertThat(r.code()).isEqualTo(2);
    assertThat(read(file)).isEqualTo(text);
    assertThat(r.out()).contains("error: " + file + ":").contains("billion laughs");
  }

  @Test
  void refusesTabIndentationNamingTheLine() throws IOException {
    String text = DEPLOYMENT.replace("      containers:", "\tcontainers:");
    Path file = write("tabs.yaml", text);
    Run r = run("fix", "--control", CONTROLS, file.toString());
    assertThat(r.code()).isEqualTo(2);
    assertThat(read(file)).isEqualTo(text);
    assertThat(r.out()).contains("error: " + file + ":14");
  }

  @Test
  void aDirectoryOfSymbolicLinksFixesTheFilesTheyPointTo() throws IOException {
    Path real = write("real/web.yaml", DEPLOYMENT);
    Path links = Files.createDirectories(dir.resolve("links"));
    Files.createSymbolicLink(links.resolve("web.yaml"), real);
    Files.createSymbolicLink(links.resolve("dangling.yaml"), dir.resolve("nowhere.yaml"));
    Files.createSymbolicLink(links.resolve("loop"), links);
    Run r = run("fix", "--control", CONTROLS, links.toString());
    assertThat(r.code()).as(r.out()).isEqualTo(1);
    assertThat(read(real)).contains("allowPrivilegeEscalation: false");
    assertThat(Files.isSymbolicLink(links.resolve("web.yaml"))).isTrue();
  }

  @Test
  void fixesAHugeFileInOneGo() throws IOException {
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < 5000; i++) {
      text.append("---\n").append(DEPLOYMENT.replace("name: web   #", "name: web-" + i + "   #")
          .replace("privileged: yes", "readOnlyRootFilesystem: true"));
    }
    Path file = write("huge.yaml", text.toString());
    Run r = run("fix", "--control", "privilege-escalation-allowed", file.toString());
    assertThat(r.code()).as(r.err()).isZero();
    String fixed = read(file);
    assertThat(fixed.split("allowPrivilegeEscalation: false", -1)).hasSize(10_001);
    assertThat(fixed.split("# keep this comment", -1)).hasSize(5001);
  }

  @Test
  void aPatchThatDoesNotResolveItsFindingIsLeftForAPerson() throws IOException {
    // the patch sets runAsNonRoot on the pod; the container's own false overrides it
    String text = WEB_ONLY.replace("privileged: yes", "runAsNonRoot: false");
    Path file = write("root.yaml", text);
    Run first = run("fix", "--all", "--control", "run-as-root-allowed", file.toString());
    assertThat(first.code()).isEqualTo(1);
    assertThat(first.out()).contains("left for a person:")
        .contains("its automatic fix does not resolve it here")
        .contains("nothing fixed;");
    Run second = run("fix", "--all", "--control", "run-as-root-allowed", file.toString());
    assertThat(second.out()).isEqualTo(first.out());
    assertThat(read(file)).isEqualTo(text);
  }

  @Test
  void templatedYamlIsLeftButTemplateTextInQuotedValuesIsData() throws IOException {
    // (both files hold the same Deployment: each is fixed, or not, on its own)
    String templated = DEPLOYMENT.replace("image: \"nginx:1.27\"", "image: nginx:{{ .Values.tag }}");
    Path t = write("templated.yaml", templated);
    String alerting = DEPLOYMENT.replace("namespace: shop\n", "namespace: shop\n"
        + "  annotations: {summary: \"{{ $labels.pod }} is down\"}\n");
    Path a = write("alerting.yaml", alerting);
    Run r = run("fix", "--control", CONTROLS, t.toString(), a.toString());
    assertThat(r.code()).isEqualTo(1);
    assertThat(read(t)).isEqualTo(templated);
    assertThat(r.out()).contains("looks like a template").contains("(line 16)");
    assertThat(read(a)).as(r.out()).contains("allowPrivilegeEscalation: false")
        .contains("{{ $labels.pod }} is down");
  }

  @Test
  void utf16FilesAreScannedButNotEdited() throws IOException {
    Path file = dir.resolve("utf16.yaml");
    byte[] bytes = ("\uFEFF" + DEPLOYMENT).getBytes(StandardCharsets.UTF_16LE);
    Files.write(file, bytes);
    Run r = run("fix", "--control", CONTROLS, file.toString());
    assertThat(r.code()).isEqualTo(1);
    assertThat(Files.readAllBytes(file)).isEqualTo(bytes);
    assertThat(r.out()).contains("UTF-16 text is not edited");
  }

  @Test
  void aByteOrderMarkIsKept() throws IOException {
    Path file = write("bom.yaml", "\uFEFF" + DEPLOYMENT);
    Run r = run("fix", "--control", CONTROLS, file.toString());
    assertThat(r.code()).as(r.out()).isEqualTo(1);
    assertThat(read(file)).startsWith("\uFEFF# the web shop").contains("allowPrivilegeEscalation");
  }

  @Test
  void usageErrors() {
    assertThat(run("fix").code()).isEqualTo(2);
    assertThat(run("fix", "-").code()).isEqualTo(2);
    assertThat(run("fix", "--control", "no-such-control", "x.yaml").code()).isEqualTo(2);
    assertThat(run("fix", "--help").out()).contains("Exit codes");
  }
}
