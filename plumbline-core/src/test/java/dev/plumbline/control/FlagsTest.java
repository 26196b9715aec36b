package dev.plumbline.control;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class FlagsTest {
  @Test
  void readsEqualsSpaceAndBareForms() {
    assertThat(Flags.parse(List.of("kube-apiserver", "--anonymous-auth=false",
        "--audit-log-path", "/var/log/audit.log", "--profiling")))
        .containsEntry("anonymous-auth", "false")
        .containsEntry("audit-log-path", "/var/log/audit.log")
        .containsEntry("profiling", "true");
  }

  @Test
  void theLastOccurrenceWins() {
    assertThat(Flags.parse(List.of("--profiling=false", "--profiling=true")))
        .containsEntry("profiling", "true");
  }

  @Test
  void theOccurrencesOfAListFlagAddUpAsTheComponentsReadThem() {
    // kubeadm v1beta4 extraArgs may name a flag twice; pflag string slices append, gates merge
    assertThat(Flags.parse(List.of("kube-apiserver",
        "--enable-admission-plugins=NodeRestriction,DenyServiceExternalIPs",
        "--enable-admission-plugins", "EventRateLimit", "--profiling=true", "--profiling=false",
        "--feature-gates=A=true", "--feature-gates=B=false")))
        .containsEntry("enable-admission-plugins",
            "NodeRestriction,DenyServiceExternalIPs,EventRateLimit")
        .containsEntry("feature-gates", "A=true,B=false")
        .containsEntry("profiling", "false");
  }

  @Test
  void aShellScriptAfterMinusCIsReadForFlagsNotTakenAsTheValueOfC() {
    String script = "exec kube-apiserver --profiling=false --v=2 1>>/var/log/kube-apiserver.log";
    assertThat(Flags.parse(List.of("/bin/sh", "-c", script)))
        .containsEntry("profiling", "false").containsEntry("v", "2")
        .doesNotContainValue(script);
  }
}
