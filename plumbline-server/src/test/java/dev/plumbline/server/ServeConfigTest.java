package dev.plumbline.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.plumbline.control.PolicyVersion;
import dev.plumbline.control.Severity;
import dev.plumbline.resource.InputException;
import dev.plumbline.server.admission.AdmissionSettings;
import dev.plumbline.server.admission.AdmissionSettings.Action;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServeConfigTest {
  static final String ADMIN = "0123456789abcdef-admin";
  static final Map<String, String> NO_ENV = Map.of("PLUMBLINE_ADMIN_TOKEN", ADMIN);

  @TempDir
  Path dir;

  Path write(String yaml) throws Exception {
    Path file = dir.resolve("serve.yaml");
    Files.writeString(file, yaml);
    return file;
  }

  InputException error(String yaml) throws Exception {
    Path file = write(yaml);
    try {
      ServeConfig.load(file, NO_ENV, Map.of());
    } catch (InputException e) {
      assertThat(e.error().file()).isEqualTo(file.toString());
      return e;
    }
    throw new AssertionError("loaded: " + yaml);
  }

  @Test
  void defaultsWithoutAFile() {
    ServeConfig c = ServeConfig.load(null, NO_ENV, Map.of());
    assertThat(c.server().port()).isEqualTo(8080);
    assertThat(c.server().host()).isEqualTo("0.0.0.0");
    assertThat(c.server().tls()).isNull();
    assertThat(c.server().tokens()).singleElement().satisfies(t -> {
      assertThat(t.name()).isEqualTo("admin");
      assertThat(t.role()).isEqualTo(ServerSettings.Role.ADMIN);
    });
    assertThat(c.database().url()).isNull();
    assertThat(c.database().dataDir()).isEqualTo(Path.of("plumbline-data"));
    assertThat(c.cluster().name()).isEqualTo("default");
    assertThat(c.cluster().resyncPeriod()).isEqualTo(Duration.ofMinutes(10));
    assertThat(c.cluster().snapshotInterval()).isEqualTo(Duration.ofHours(1));
    assertThat(c.cluster().debounce()).isEqualTo(Duration.ofMillis(50));
    assertThat(c.cluster().namespaces()).isEmpty();
    assertThat(c.scan().frameworks()).isEmpty();
    assertThat(c.alerts().minSeverity()).isEqualTo(Severity.HIGH);
    assertThat(c.alerts().sinks()).isEmpty();
  }

  @Test
  void readsEverySection() throws Exception {
    Files.writeString(dir.resolve("viewer.token"), "viewer-token-from-file-1234\n");
    Files.writeString(dir.resolve("hook.secret"), "s3cret-hmac\n");
    Path file = write("""
        server:
          port: 9443
          address: 127.0.0.1
          demo: no
          maxBodyBytes: 131072
          tokens:
            - name: ci
              tokenFile: viewer.token
            - name: alice
              token: alice-admin-token-5678
              role: admin
        database:
          url: jdbc:postgresql://db:5432/plumbline
          user: plumbline
          password: pw
        cluster:
          name: prod-eu
          kubeconfig: kube/config
          context: prod
          namespaces: [web, batch]
          resyncPeriod: 5m
          snapshotInterval: 30m
          debounce: 120ms
        scan:
          pssVersion: v1.30
          frameworks: [cis, pss-restricted]
          controls: privileged-containers
          customControls: ./controls
          severity:
            mutable-image-tags: low
        alerts:
          minSeverity: medium
          onResolve: true
          sinks:
            - type: webhook
              url: https://hooks.example/plumbline
              secretFile: hook.secret
              batchSize: 10
              batchInterval: 30s
            - name: siem
              type: syslog
              host: siem.example
              port: 6514
              protocol: tcp
            - type: log
        """);
    ServeConfig c = ServeConfig.load(file, Map.of(), Map.of());
    assertThat(c.server().port()).isEqualTo(9443);
    assertThat(c.server().host()).isEqualTo("127.0.0.1");
    assertThat(c.server().demo()).isFalse();
    assertThat(c.server().maxBodyBytes()).isEqualTo(131072);
    assertThat(c.server().tokens()).extracting(ServerSettings.ApiToken::name,
        ServerSettings.ApiToken::token, ServerSettings.ApiToken::role).containsExactly(
            org.assertj.core.groups.Tuple.tuple("ci", "viewer-token-from-file-1234",
                ServerSettings.Role.VIEWER),
            org.assertj.core.groups.Tuple.tuple("alice", "alice-admin-token-5678",
                ServerSettings.Role.ADMIN));
    assertThat(c.database().url()).isEqualTo("jdbc:postgresql://db:5432/plumbline");
    assertThat(c.database().user()).isEqualTo("plumbline");
    assertThat(c.database().password()).isEqualTo("pw");
    assertThat(c.cluster().name()).isEqualTo("prod-eu");
    assertThat(c.cluster().kubeconfig()).isEqualTo(dir.resolve("kube/config"));
    assertThat(c.cluster().context()).isEqualTo("prod");
    assertThat(c.cluster().namespaces()).containsExactly("web", "batch");
    assertThat(c.cluster().resyncPeriod()).isEqualTo(Duration.ofMinutes(5));
    assertThat(c.cluster().snapshotInterval()).isEqualTo(Duration.ofMinutes(30));
    assertThat(c.cluster().debounce()).isEqualTo(Duration.ofMillis(120));
    assertThat(c.scan().pssVersion()).isEqualTo(PolicyVersion.parse("v1.30"));
    assertThat(c.scan().frameworks()).containsExactly("cis", "pss-restricted");
    assertThat(c.scan().controls()).containsExactly("privileged-containers");
    assertThat(c.scan().customControls()).isEqualTo(dir.resolve("controls"));
    assertThat(c.scan().severities()).containsEntry("mutable-image-tags", Severity.LOW);
    assertThat(c.scan().toConfig().frameworks()).containsExactly("cis", "pss-restricted");
    assertThat(c.alerts().minSeverity()).isEqualTo(Severity.MEDIUM);
    assertThat(c.alerts().onResolve()).isTrue();
    List<ServeConfig.Sink> sinks = c.alerts().sinks();
    assertThat(sinks).extracting(ServeConfig.Sink::name).containsExactly("webhook", "siem", "log");
    assertThat(sinks.get(0).secret()).isEqualTo("s3cret-hmac");
    assertThat(sinks.get(0).batchSize()).isEqualTo(10);
    assertThat(sinks.get(0).batchInterval()).isEqualTo(Duration.ofSeconds(30));
    assertThat(sinks.get(1).port()).isEqualTo(6514);
    assertThat(sinks.get(1).protocol()).isEqualTo("tcp");
    assertThat(c.toString()).doesNotContain("alice-admin-token-5678").doesNotContain("pw,");
  }

  @Test
  void environmentOverridesTheFileAndFlagsOverrideBoth() throws Exception {
    Path file = write("""
        server:
          port: 9000
        database:
          url: jdbc:postgresql://file/db
        """);
    ServeConfig c = ServeConfig.load(file, Map.of("PLUMBLINE_PORT", "9100",
        "PLUMBLINE_DATABASE_URL", "jdbc:postgresql://env/db", "PLUMBLINE_DATABASE_USER", "u",
        "PLUMBLINE_DATABASE_PASSWORD", "p", "PLUMBLINE_ADMIN_TOKEN", ADMIN),
        Map.of("server.port", "9200", "cluster.namespaces", "a,b", "server.demo", "true"));
    assertThat(c.server().port()).isEqualTo(9200);
    assertThat(c.server().demo()).isTrue();
    assertThat(c.database().url()).isEqualTo("jdbc:postgresql://env/db");
    assertThat(c.database().user()).isEqualTo("u");
    assertThat(c.database().password()).isEqualTo("p");
    assertThat(c.cluster().namespaces()).containsExactly("a", "b");
    assertThat(c.server().tokens()).extracting(ServerSettings.ApiToken::name)
        .containsExactly("admin");
  }

  @Test
  void reportsUnknownKeysWithFileAndLine() throws Exception {
    InputException e = error("""
        server:
          port: 8080
          prot: 1
        """);
    assertThat(e.error().line()).isEqualTo(3);
    assertThat(e.getMessage()).contains("serve.yaml:3: server.prot: unknown setting");
    assertThat(error("colour: red\n").error().line()).isEqualTo(1);
    InputException nested = error("""
        alerts:
          sinks:
            - type: log
            - type: webhook
              url: https://x.example
              retries: 3
        """);
    assertThat(nested.error().line()).isEqualTo(6);
    assertThat(nested.getMessage()).contains("alerts.sinks[].retries");
  }

  @Test
  void reportsBadValuesWithFileLineAndField() throws Exception {
    InputException port = error("server:\n  port: eighty\n");
    assertThat(port.getMessage()).contains("serve.yaml:2: server.port: not a whole number");
    assertThat(error("server:\n  port: 70000\n").getMessage()).contains("server.port");
    assertThat(error("cluster:\n  resyncPeriod: often\n").getMessage())
        .contains(":2: cluster.resyncPeriod: not a duration");
    assertThat(error("cluster:\n  debounce: 11s\n").getMessage())
        .contains(":2: cluster.debounce: must be from 0 to 10s");
    assertThat(error("cluster:\n  debounce: soon\n").getMessage())
        .contains(":2: cluster.debounce: not a duration");
    assertThat(error("scan:\n  pssVersion: v9\n").getMessage()).contains(":2: scan.pssVersion");
    assertThat(error("scan:\n  severity:\n    x: urgent\n").getMessage())
        .contains(":3: scan.severity.x");
    assertThat(error("alerts:\n  minSeverity: loud\n").getMessage())
        .contains(":2: alerts.minSeverity");
    assertThat(error("alerts:\n  sinks:\n    - type: pager\n").getMessage())
        .contains(":3: alerts.sinks[0].type");
    assertThat(error("alerts:\n  sinks:\n    - type: webhook\n").getMessage())
        .contains(":3: alerts.sinks[0].url: required");
    assertThat(error("alerts:\n  sinks:\n    - type: syslog\n      host: h\n      protocol: http\n")
        .getMessage()).contains(":5: alerts.sinks[0].protocol");
    assertThat(error("alerts:\n  sinks:\n    - type: webhook\n      url: ftp://x\n").getMessage())
        .contains(":4: alerts.sinks[0].url");
    assertThat(error("server:\n  tokens:\n    - name: a\n      token: short\n").getMessage())
        .contains(":3: server.tokens[0]: the token is shorter");
    assertThat(error("server:\n  tokens:\n    - name: a\n      token: abcdefghijklmnopq\n"
        + "      role: root\n").getMessage()).contains(":5: server.tokens[0].role");
    assertThat(error("server:\n  tls:\n    certificate: missing.crt\n    key: missing.key\n")
        .getMessage()).contains(":3: server.tls.certificate: cannot read");
    assertThat(error("database:\n  url: mysql://x\n").getMessage()).contains(":2: database.url");
    assertThat(error("server: [1]\n").getMessage()).contains(":1: server: must be a mapping");
    assertThat(error("server:\n  port: [1\n").error().line()).isPositive();
  }

  @Test
  void reportsBadFlagsAndVariablesByName() {
    assertThatThrownBy(() -> ServeConfig.load(null, NO_ENV, Map.of("server.prt", "1")))
        .isInstanceOf(InputException.class).hasMessageContaining("flag server.prt");
    assertThatThrownBy(() -> ServeConfig.load(null, NO_ENV, Map.of("server.port", "x")))
        .hasMessageContaining("flag server.port").hasMessageContaining("not a whole number");
    assertThatThrownBy(() -> ServeConfig.load(null, Map.of("PLUMBLINE_ADMIN_TOKEN", ADMIN,
        "PLUMBLINE_PORT", "-1"), Map.of()))
        .hasMessageContaining("environment variable PLUMBLINE_PORT");
  }

  @Test
  void requiresAnApiTokenUnlessInDemoMode() {
    assertThatThrownBy(() -> ServeConfig.load(null, Map.of(), Map.of()))
        .isInstanceOf(InputException.class).hasMessageContaining("server.tokens");
    assertThat(ServeConfig.load(null, Map.of(), Map.of("server.demo", "true")).server().demo())
        .isTrue();
  }

  @Test
  void readsTlsAndTheKeystorePasswordFile() throws Exception {
    Files.writeString(dir.resolve("server.p12"), "x");
    Files.writeString(dir.resolve("pw"), "changeit\n");
    ServeConfig c = ServeConfig.load(write("""
        server:
          tls:
            keystore: server.p12
            keystorePasswordFile: pw
        """), NO_ENV, Map.of());
    assertThat(c.server().tls().keystore()).isEqualTo(dir.resolve("server.p12"));
    assertThat(c.server().tls().keystorePassword()).isEqualTo("changeit");
  }

  @Test
  void readsTheAdmissionSection() throws Exception {
    ServeConfig off = ServeConfig.load(null, NO_ENV, Map.of());
    assertThat(off.admission()).isEqualTo(AdmissionSettings.DISABLED);
    ServeConfig c = ServeConfig.load(write("""
        admission:
          enabled: true
          action: audit
          failurePolicy: closed
          timeout: 500ms
          maxBodyBytes: 1048576
          exemptNamespaces: [kube-system, tools]
          frameworks:
            pss-baseline: enforce
          controls:
            privileged-containers: enforce
            missing-seccomp-profile: {action: warn, remediate: auto}
            privilege-escalation-allowed: {remediate: auto}
          namespaces:
            - names: ["prod-*", payments]
              action: warn
              frameworks: {pss-restricted: enforce}
        """), NO_ENV, Map.of("admission.action", "warn"));
    AdmissionSettings a = c.admission();
    assertThat(a.enabled()).isTrue();
    assertThat(a.action()).isEqualTo(Action.WARN);
    assertThat(a.failurePolicy()).isEqualTo(AdmissionSettings.FailurePolicy.CLOSED);
    assertThat(a.timeout()).isEqualTo(Duration.ofMillis(500));
    assertThat(a.maxBodyBytes()).isEqualTo(1 << 20);
    assertThat(a.exemptNamespaces()).containsExactly("kube-system", "tools");
    assertThat(a.frameworks()).containsExactly(Map.entry("pss-baseline", Action.ENFORCE));
    assertThat(a.controls()).containsExactly(Map.entry("privileged-containers", Action.ENFORCE),
        Map.entry("missing-seccomp-profile", Action.WARN));
    assertThat(a.remediate()).containsExactly("missing-seccomp-profile",
        "privilege-escalation-allowed");
    assertThat(a.namespaces()).singleElement().satisfies(rule -> {
      assertThat(rule.names()).containsExactly("prod-*", "payments");
      assertThat(rule.action()).isEqualTo(Action.WARN);
      assertThat(rule.matches("prod-eu")).isTrue();
      assertThat(rule.matches("preprod-eu")).isFalse();
      assertThat(rule.frameworks()).containsEntry("pss-restricted", Action.ENFORCE);
    });
  }

  @Test
  void reportsBadAdmissionSettingsWithFileLineAndField() throws Exception {
    assertThat(error("admission:\n  action: block\n").getMessage())
        .contains(":2: admission.action: expected off, audit, warn or enforce: block");
    assertThat(error("admission:\n  failurePolicy: maybe\n").getMessage())
        .contains(":2: admission.failurePolicy: expected open or closed");
    assertThat(error("admission:\n  timeout: 1m\n").getMessage())
        .contains(":2: admission.timeout: must be 10ms to 30s");
    assertThat(error("admission:\n  controls:\n    a: x\n    b: deny\n").getMessage())
        .contains(":3: admission.controls.a: expected off");
    assertThat(error("admission:\n  controls:\n    a: {remediate: yes-please}\n").getMessage())
        .contains(":3: admission.controls.a: remediate: expected auto or off");
    assertThat(error("admission:\n  frameworks:\n    cis: {action: warn}\n").getMessage())
        .contains(":3: admission.frameworks.cis: must be off, audit, warn or enforce");
    assertThat(error("admission:\n  namespaces:\n    - action: warn\n").getMessage())
        .contains(":3: admission.namespaces[0].names: required");
    assertThat(error("admission:\n  namespaces:\n    - names: [a]\n      labels: {}\n")
        .getMessage()).contains(":4: admission.namespaces[].labels: unknown setting");
    assertThat(error("admission:\n  mode: strict\n").getMessage())
        .contains(":2: admission.mode: unknown setting");
  }

  @Test
  void theExampleInTheDocsLoads() throws Exception {
    Path docs = Path.of(System.getProperty("plumbline.repoRoot", "..")).resolve("docs/serve.md");
    String text = Files.readString(docs);
    int start = text.indexOf("```yaml\n") + "```yaml\n".length();
    String yaml = text.substring(start, text.indexOf("```", start));
    for (String file : List.of("tls.crt", "tls.key", "dashboard.token", "alice.token",
        "hook.secret")) {
      Files.writeString(dir.resolve(file), file + "-0123456789abcdef\n");
    }
    ServeConfig c = ServeConfig.load(write(yaml), Map.of(), Map.of());
    assertThat(c.server().tokens()).extracting(ServerSettings.ApiToken::name)
        .containsExactly("dashboard", "alice");
    assertThat(c.server().tls().certificate()).isEqualTo(dir.resolve("tls.crt"));
    assertThat(c.alerts().sinks()).extracting(ServeConfig.Sink::type).containsExactly(
        ServeConfig.SinkType.WEBHOOK, ServeConfig.SinkType.SLACK, ServeConfig.SinkType.SYSLOG,
        ServeConfig.SinkType.LOG);
    assertThat(c.cluster().namespaces()).containsExactly("web", "batch");
    assertThat(c.admission().enabled()).isTrue();
    assertThat(c.admission().remediate()).containsExactly("missing-seccomp-profile");
    assertThat(c.admission().namespaces()).hasSize(1);
  }
}
