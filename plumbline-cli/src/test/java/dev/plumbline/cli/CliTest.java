package dev.plumbline.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The command line as a user runs it: arguments in, output and exit code out. */
class CliTest {
  @TempDir
  Path dir;

  record Run(int code, String out, String err) {}

  static Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Main.run(args, new PrintWriter(out), new PrintWriter(err));
    return new Run(code, out.toString(), err.toString());
  }

  static Run runWithStdin(String stdin, String... args) {
    InputStream saved = System.in;
    System.setIn(new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)));
    try {
      return run(args);
    } finally {
      System.setIn(saved);
    }
  }

  private static final String PRIVILEGED = """
      apiVersion: v1
      kind: Pod
      metadata: {name: debug, namespace: tools}
      spec:
        containers:
          - name: shell
            image: busybox:1.36
            securityContext: {privileged: yes}
      """;

  private Path write(String name, String text) throws IOException {
    Path file = dir.resolve(name);
    Files.createDirectories(file.getParent());
    Files.writeString(file, text);
    return file;
  }

  @Test
  void findingsExitZeroByDefaultAndOneAtTheFailOnThreshold() throws IOException {
    Path pod = write("pod.yaml", PRIVILEGED);
    assertThat(run("scan", pod.toString()).code()).isZero();
    assertThat(run("scan", "--fail-on", "critical", pod.toString()).code()).isEqualTo(1);
    assertThat(run("scan", "--fail-on", "critical", "--control", "missing-cpu-limits",
        pod.toString()).code()).isZero();
  }

  @Test
  void yesIsTrueSoThePrivilegedPodIsFlagged() throws IOException {
    Run r = run("scan", "-o", "json", "--control", "privileged-containers",
        write("pod.yaml", PRIVILEGED).toString());
    JsonNode json = JsonMapper.builder().build().readTree(r.out());
    assertThat(json.get("findings")).hasSize(1);
    JsonNode f = json.get("findings").get(0);
    assertThat(f.get("controlId").asString()).isEqualTo("privileged-containers");
    assertThat(f.get("path").asString()).isEqualTo("spec.containers[0].securityContext.privileged");
    assertThat(f.get("value").asBoolean()).isTrue();
    assertThat(f.get("location").get("line").asInt()).isEqualTo(8);
  }

  @Test
  void unknownControlOrFrameworkIsAUsageErrorNotAnEmptyScan() throws IOException {
    Path pod = write("pod.yaml", PRIVILEGED);
    Run r = run("scan", "--control", "privileged-container", pod.toString());
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).contains("unknown control 'privileged-container'")
        .contains("did you mean 'privileged-containers'");
    assertThat(r.out()).isEmpty();
    Run f = run("scan", "--framework", "nope", pod.toString());
    assertThat(f.code()).isEqualTo(2);
    assertThat(f.err()).contains("unknown framework 'nope'");
  }

  @Test
  void unreadableInputExitsTwoButTheOtherFilesAreStillScanned() throws IOException {
    Path good = write("good.yaml", PRIVILEGED);
    Path bad = write("bad.yaml", "apiVersion: v1\nkind: Pod\nmetadata: {name: x\n");
    Run r = run("scan", "-o", "json", "--control", "privileged-containers", good.toString(),
        bad.toString(), dir.resolve("missing.yaml").toString());
    assertThat(r.code()).isEqualTo(2);
    JsonNode json = JsonMapper.builder().build().readTree(r.out());
    assertThat(json.get("findings")).hasSize(1);
    assertThat(json.get("errors")).hasSize(2);
    assertThat(r.err()).contains("bad.yaml:").contains("missing.yaml: no such file or directory");
    assertThat(r.err()).doesNotContain("Exception").doesNotContain("\tat ");
  }

  @Test
  void readsStandardInput() {
    Run r = runWithStdin(PRIVILEGED, "scan", "-o", "json", "--control",
        "privileged-containers", "-");
    assertThat(r.code()).isZero();
    JsonNode json = JsonMapper.builder().build().readTree(r.out());
    assertThat(json.get("findings").get(0).get("location").get("file").asString())
        .isEqualTo("-");
  }

  @Test
  void writesTheOutputFileAndEveryFormatIsDeterministic() throws IOException {
    Path pod = write("pod.yaml", PRIVILEGED);
    for (String format : new String[] {"table", "json", "sarif", "junit", "policyreport"}) {
      Path out = dir.resolve("out/result." + format);
      assertThat(run("scan", "-o", format, "--output-file", out.toString(), pod.toString())
          .code()).isZero();
      String first = withoutTimes(Files.readString(out));
      run("scan", "-o", format, "--output-file", out.toString(), pod.toString());
      assertThat(first).as(format).isNotEmpty().isEqualTo(withoutTimes(Files.readString(out)));
    }
  }

  private static String withoutTimes(String text) {
    return text.replaceAll("\\d{4}-\\d\\d-\\d\\dT[0-9:.]+Z", "T")
        .replaceAll("seconds: \\d+", "seconds: S").replaceAll("nanos: \\d+", "nanos: N")
        .replaceAll("time=\"[0-9.]+\"", "time=\"T\"");
  }

  @Test
  void badFlagValuesAreUsageErrors() throws IOException {
    Path pod = write("pod.yaml", PRIVILEGED);
    assertThat(run("scan", "-o", "xml", pod.toString()).err()).contains("unknown output format");
    assertThat(run("scan", "--fail-on", "severe", pod.toString()).code()).isEqualTo(2);
    assertThat(run("scan", "--pss-version", "1.30", pod.toString()).err())
        .contains("bad policy version");
    assertThat(run("scan", "--pss-version", "v1.99", pod.toString()).err())
        .contains("newer than");
    assertThat(run("scan").code()).isEqualTo(2);
    assertThat(run("scan", "--bogus", pod.toString()).code()).isEqualTo(2);
  }

  @Test
  void exceptionsSuppressAndBadExceptionsFileNamesItsLine() throws IOException {
    Path pod = write("pod.yaml", PRIVILEGED);
    Path ok = write("ex.yaml", """
        exceptions:
          - controls: [privileged-containers]
            namespaces: [tools]
            reason: debugging pod, removed after the incident
            owner: oncall@example.com
            expires: 2999-01-01
        """);
    Run r = run("scan", "-o", "json", "--control", "privileged-containers", "--exceptions",
        ok.toString(), pod.toString());
    JsonNode json = JsonMapper.builder().build().readTree(r.out());
    assertThat(json.get("findings")).isEmpty();
    assertThat(json.get("suppressed")).hasSize(1);
    Path bad = write("bad-ex.yaml", "exceptions:\n  - controls: [nope]\n    reason: r\n"
        + "    owner: o\n    expires: 2999-01-01\n");
    Run e = run("scan", "--exceptions", bad.toString(), pod.toString());
    assertThat(e.code()).isEqualTo(2);
    assertThat(e.err()).contains("bad-ex.yaml:2:").contains("unknown control 'nope'");
  }

  @Test
  void configFileSetsDefaultsAndFlagsWin() throws IOException {
    Path pod = write("pod.yaml", PRIVILEGED);
    Path config = write("plumbline.yaml", "failOn: critical\nseverity:\n"
        + "  privileged-containers: low\n");
    assertThat(run("scan", "--config", config.toString(), pod.toString()).code()).isZero();
    Path strict = write("strict.yaml", "failOn: low\n");
    assertThat(run("scan", "--config", strict.toString(), pod.toString()).code()).isEqualTo(1);
    assertThat(run("scan", "--config", strict.toString(), "--fail-on", "none", pod.toString())
        .code()).isZero();
    Path bad = write("bad.yaml", "failOn: low\nfailon: high\n");
    Run r = run("scan", "--config", bad.toString(), pod.toString());
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).contains("bad.yaml:2: failon: unknown setting");
  }

  @Test
  void namespaceFilterTreatsAMissingNamespaceAsDefault() throws IOException {
    Path pod = write("pod.yaml", PRIVILEGED.replace("namespace: tools", "namespace: other"));
    Path bare = write("bare.yaml", PRIVILEGED.replace(", namespace: tools", ""));
    Run r = run("scan", "-o", "json", "--control", "privileged-containers", "-n", "default",
        pod.toString(), bare.toString());
    JsonNode json = JsonMapper.builder().build().readTree(r.out());
    assertThat(json.get("findings")).hasSize(1);
    assertThat(json.get("findings").get(0).get("location").get("file").asString())
        .endsWith("bare.yaml");
  }

  @Test
  void everyCommandHasHelp() {
    String[][] commands = {{"--help"}, {"scan", "--help"}, {"controls", "--help"},
        {"controls", "list", "--help"}, {"controls", "explain", "--help"},
        {"controls", "test", "--help"}, {"frameworks", "--help"},
        {"frameworks", "list", "--help"}, {"frameworks", "show", "--help"}};
    for (String[] c : commands) {
      Run r = run(c);
      assertThat(r.code()).as(String.join(" ", c)).isZero();
      assertThat(r.out()).as(String.join(" ", c)).contains("Usage:");
    }
  }

  /** Picocli is given only the subcommand named (see Main); help still lists them all. */
  @Test
  void helpListsEverySubcommandWhicheverIsNamed() {
    java.util.List<String> all = java.util.List.of("scan", "fix", "report", "serve",
        "admission", "controls", "frameworks", "help");
    for (String[] c : new String[][] {{"--help"}, {"help"}}) {
      Run r = run(c);
      String usage = r.out() + r.err();
      for (String name : all) {
        assertThat(usage).as(String.join(" ", c)).containsPattern("(?m)^\\s+" + name + "\\s");
      }
    }
    assertThat(run("nonsense").code()).isEqualTo(2);
    assertThat(run().code()).isEqualTo(2);
    Run help = run("help", "scan");
    assertThat(help.code()).isZero();
    assertThat(help.out()).contains("Usage: plumbline scan");
    Run scanHelp = run("scan", "--help");
    assertThat(scanHelp.out()).contains("Usage: plumbline scan");
  }

  @Test
  void controlsListAndExplain() {
    Run list = run("controls", "list", "-o", "json");
    assertThat(list.code()).isZero();
    JsonNode controls = JsonMapper.builder().build().readTree(list.out());
    assertThat(controls.size()).isGreaterThan(10);
    Run explain = run("controls", "explain", "privileged-containers");
    assertThat(explain.out()).contains("Privileged containers").contains("How to fix it")
        .contains("fail-privileged-init.yaml");
    assertThat(run("controls", "explain", "nope").code()).isEqualTo(2);
  }

  @Test
  void controlsTestRunsACustomControlsFixtures() throws IOException {
    Path control = dir.resolve("custom/team-labels");
    write("custom/team-labels/control.yaml", """
        id: team-labels
        title: Workloads carry a team label
        description: Every workload names its owning team, so alerts reach someone.
        severity: low
        category: workload
        target: pod
        check: "has(object.metadata.labels) && 'team' in object.metadata.labels"
        path: object.metadata.labels
        message: "{object.kind} {object.metadata.name} has no team label."
        remediation:
          text: Add a `team` label.
        """);
    write("custom/team-labels/tests/pass-labelled.yaml",
        "apiVersion: v1\nkind: Pod\nmetadata: {name: a, labels: {team: shop}}\n"
            + "spec: {containers: [{name: c, image: i:1}]}\n");
    write("custom/team-labels/tests/fail-unlabelled.yaml",
        "# expect: metadata.labels\napiVersion: v1\nkind: Pod\nmetadata: {name: a}\n"
            + "spec: {containers: [{name: c, image: i:1}]}\n");
    Run ok = run("controls", "test", control.getParent().toString());
    assertThat(ok.code()).as(ok.out()).isZero();
    assertThat(ok.out()).contains("2 passed, 0 failed");
    write("custom/team-labels/tests/pass-wrong.yaml",
        "apiVersion: v1\nkind: Pod\nmetadata: {name: a}\nspec: {containers: [{name: c, image: i:1}]}\n");
    Run bad = run("controls", "test", control.getParent().toString());
    assertThat(bad.code()).isEqualTo(1);
    assertThat(bad.out()).contains("FAIL  team-labels  pass-wrong.yaml");
    Run scan = run("scan", "--controls", control.getParent().toString(), "--control",
        "team-labels", "-o", "json", dir.resolve("custom/team-labels/tests/fail-unlabelled.yaml")
            .toString());
    assertThat(JsonMapper.builder().build().readTree(scan.out()).get("findings")).hasSize(1);
  }

  @Test
  void brokenCustomControlIsALoadErrorNamingTheFile() throws IOException {
    write("broken/x/control.yaml", "id: x\ntitle: X\ndescription: d\nseverity: low\n"
        + "category: workload\ntarget: pod\ncheck: \"podSpec.nope(\"\npath: podSpec\n"
        + "message: m\nremediation: {text: t}\n");
    Run r = run("controls", "test", dir.resolve("broken").toString());
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).contains("x/control.yaml:7: check: does not compile");
  }

  @Test
  void frameworksListShowsEveryFrameworkWithItsManualCount() {
    Run r = run("frameworks", "list");
    assertThat(r.code()).isZero();
    assertThat(r.out()).contains("cis ", "nsa-cisa ", "mitre ", "pss-baseline ", "pss-restricted ");
  }

  @Test
  void frameworksShowListsRequirementsWithTheirControlsOrProcedure() {
    Run r = run("frameworks", "show", "cis");
    assertThat(r.code()).isZero();
    assertThat(r.out()).startsWith("CIS Kubernetes Benchmark (v1.12)\n")
        .contains("131 requirements: ")
        .contains("\n5.2 Pod Security Standards\n")
        .contains("  5.2.2   Privileged containers are kept out\n"
            + "          controls: privileged-containers\n")
        .containsPattern("  5\\.1\\.7   .*\n          manual: ");
    // A command in backquotes is never split across lines.
    assertThat(r.out()).contains(
        "`kubectl get clusterrolebindings,rolebindings -A -o json | jq`");
    Run json = run("frameworks", "show", "mitre", "-o", "json");
    JsonNode mitre = JsonMapper.builder().build().readTree(json.out());
    JsonNode escape = null;
    for (JsonNode req : mitre.get("requirements")) {
      if (req.get("id").asString().equals("T1611")) {
        escape = req;
      }
    }
    assertThat(escape).isNotNull();
    assertThat(escape.get("section").asString()).isEqualTo("Privilege Escalation");
    assertThat(escape.get("controls").toString()).contains("\"privileged-containers\"");
    assertThat(run("frameworks", "show", "nope").code()).isEqualTo(2);
  }

  @Test
  void admissionManifestsPrintTheWebhooksAndAreValidYaml() throws Exception {
    Run run = run("admission", "manifests", "--namespace", "security", "--cert-manager");
    assertThat(run.code()).as(run.err()).isZero();
    assertThat(run.out()).contains("kind: ValidatingWebhookConfiguration",
        "kind: MutatingWebhookConfiguration", "kind: Certificate",
        "cert-manager.io/inject-ca-from: security/plumbline-webhook");
    assertThat(new org.snakeyaml.engine.v2.api.Load(
        org.snakeyaml.engine.v2.api.LoadSettings.builder().build())
        .loadAllFromString(run.out())).hasSize(5);
    Run generated = run("admission", "manifests");
    assertThat(generated.code()).isZero();
    assertThat(generated.out()).contains("caBundle: ", "type: kubernetes.io/tls");
    Run bad = run("admission", "manifests", "--namespace", "Not_A_Name");
    assertThat(bad.code()).isEqualTo(2);
    assertThat(bad.err()).contains("--namespace: not a namespace name");
  }
}
