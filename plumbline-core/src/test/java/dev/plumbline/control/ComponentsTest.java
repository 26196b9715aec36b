package dev.plumbline.control;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cel.runtime.CelEvaluationException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ComponentsTest {
  private static Map<String, Object> container(List<String> command, List<String> args) {
    Map<String, Object> c = new HashMap<>();
    c.put("name", "c");
    if (command != null) {
      c.put("command", command);
    }
    if (args != null) {
      c.put("args", args);
    }
    return c;
  }

  private static Map<String, Object> command(String... command) {
    return container(List.of(command), null);
  }

  @Test
  void recognisesKubeadmStaticPodCommands() {
    assertThat(Components.of(command("kube-apiserver", "--advertise-address=10.0.0.10")))
        .isEqualTo("kube-apiserver");
    assertThat(Components.of(command("kube-controller-manager", "--profiling=false")))
        .isEqualTo("kube-controller-manager");
    assertThat(Components.of(command("kube-scheduler"))).isEqualTo("kube-scheduler");
    assertThat(Components.of(command("etcd", "--data-dir=/var/lib/etcd"))).isEqualTo("etcd");
  }

  @Test
  void recognisesFullPathsArgsOnlyAndLaunchers() {
    assertThat(Components.of(command("/usr/local/bin/kube-apiserver"))).isEqualTo("kube-apiserver");
    assertThat(Components.of(container(null, List.of("kube-scheduler", "--v=2"))))
        .isEqualTo("kube-scheduler");
    assertThat(Components.of(command("/hyperkube", "kube-apiserver"))).isEqualTo("kube-apiserver");
    assertThat(Components.of(command("hyperkube", "controller-manager")))
        .isEqualTo("kube-controller-manager");
    assertThat(Components.of(container(List.of("/go-runner"),
        List.of("--log-file=/var/log/kube-apiserver.log", "--also-stdout=false",
            "/usr/local/bin/kube-apiserver", "--v=2")))).isEqualTo("kube-apiserver");
    assertThat(Components.of(command("/bin/sh", "-c",
        "exec /usr/local/bin/etcd --cert-file=/etc/etcd/server.crt 1>>/var/log/etcd.log 2>&1")))
        .isEqualTo("etcd");
    assertThat(Components.of(command("env", "GOMAXPROCS=2", "kube-scheduler")))
        .isEqualTo("kube-scheduler");
  }

  @Test
  void otherProgramsAreNoComponent() {
    assertThat(Components.of(command("etcdctl", "snapshot", "save", "/backup/etcd.db")))
        .isEmpty();
    assertThat(Components.of(command("/bin/sh", "-c", "echo kube-apiserver"))).isEmpty();
    assertThat(Components.of(command("nginx", "-g", "daemon off;"))).isEmpty();
    assertThat(Components.of(command("kube-apiserver-proxy", "--port=6443"))).isEmpty();
    assertThat(Components.of(container(null, List.of("--anonymous-auth=false")))).isEmpty();
    assertThat(Components.of(container(null, null))).isEmpty();
    assertThat(Components.of("not a container")).isEmpty();
  }

  @Test
  void flagViolationPointsAtTheLastArgumentThatSetsTheFlag() {
    Map<String, Object> c = container(
        List.of("kube-apiserver", "--profiling=false", "--anonymous-auth", "true"),
        List.of("--profiling=true"));
    assertThat(Components.violation(c, "profiling"))
        .containsEntry("path", "container.args[0]").containsEntry("value", "true");
    assertThat(Components.violation(c, "anonymous-auth"))
        .containsEntry("path", "container.command[2]").containsEntry("value", "true");
  }

  @Test
  void flagViolationForAnUnsetFlagPointsAtTheListTheFlagsAreIn() {
    assertThat(Components.violation(command("kube-apiserver"), "audit-log-path"))
        .containsEntry("path", "container.command").containsEntry("value", dev.cel.common.values.NullValue.NULL_VALUE);
    assertThat(Components.violation(container(null, List.of("kube-apiserver")), "audit-log-path"))
        .containsEntry("path", "container.args");
    assertThat(Components.violation(container(List.of("/usr/local/bin/kube-apiserver"),
        List.of("--secure-port=6443")), "audit-log-path")).containsEntry("path", "container.args");
    assertThat(Components.violation(command("kube-apiserver", "--audit-log-pathx=/x"),
        "audit-log-path")).containsEntry("path", "container.command");
  }

  @Test
  void flagsInAShellLineAreFound() {
    Map<String, Object> c = command("/bin/sh", "-c",
        "exec kube-apiserver --profiling=true --v=2");
    assertThat(Components.flags(c)).containsEntry("profiling", "true");
    assertThat(Components.violation(c, "profiling")).containsEntry("path", "container.command[2]");
  }

  @Test
  void etcdReadsFlagsItsCommandLineLeavesOutFromTheEnvironment() {
    Map<String, Object> c = command("etcd", "--client-cert-auth=true");
    c.put("env", List.of(
        Map.of("name", "ETCD_CLIENT_CERT_AUTH", "value", "false"),
        Map.of("name", "ETCD_PEER_AUTO_TLS", "value", "true"),
        Map.of("name", "ETCD_PEER_CERT_FILE", "valueFrom", Map.of())));
    assertThat(Components.flags(c)).containsEntry("client-cert-auth", "true")
        .containsEntry("peer-auto-tls", "true").doesNotContainKey("peer-cert-file");
    assertThat(Components.violation(c, "peer-auto-tls"))
        .containsEntry("path", "container.env[1].value").containsEntry("value", "true");
    assertThat(Components.violation(c, "client-cert-auth"))
        .containsEntry("path", "container.command[1]");
  }

  @Test
  void otherComponentsIgnoreEtcdVariables() {
    Map<String, Object> c = command("kube-apiserver");
    c.put("env", List.of(Map.of("name", "ETCD_PROFILING", "value", "true")));
    assertThat(Components.flags(c)).isEmpty();
  }

  @Test
  @SuppressWarnings("unchecked")
  void theFunctionsWorkInCel() throws CelEvaluationException {
    Map<String, Object> c = command("kube-apiserver", "--anonymous-auth=true");
    Object result = CelSupport.get().compile(Target.CONTAINER, """
        component(container) == 'kube-apiserver'
          && componentFlags(container)[?'anonymous-auth'].orValue('true') == 'true'
          ? [flagViolation(container, 'anonymous-auth'), flagViolation(container, 'profiling')]
          : []
        """, CelSupport.Result.LIST).eval(Map.of("container", c));
    assertThat(result).isInstanceOf(List.class);
    List<?> violations = (List<?>) result;
    assertThat(violations).hasSize(2);
    assertThat((Map<Object, Object>) violations.get(0))
        .containsEntry("path", "container.command[1]").containsEntry("value", "true");
    assertThat((Map<Object, Object>) violations.get(1))
        .containsEntry("path", "container.command").containsEntry("value", dev.cel.common.values.NullValue.NULL_VALUE);
  }
}
