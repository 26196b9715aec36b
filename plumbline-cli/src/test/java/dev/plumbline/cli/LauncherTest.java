package dev.plumbline.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code ./plumbline} launcher script picks JVM options from what it runs: the quick JIT
 * compiler for small inputs, the optimising one for large ones and servers, and, when the heap is
 * capped, the whole cap from the start for those. A stand-in {@code java} prints what it is given.
 */
class LauncherTest {
  @TempDir
  Path dir;

  private Path launcher;
  private Path javaHome;

  @BeforeEach
  void setUp() throws IOException {
    Path root = dir.resolve("checkout");
    Files.createDirectories(root.resolve("plumbline-cli/target"));
    Files.writeString(root.resolve("plumbline-cli/target/plumbline.jar"), "not a jar");
    launcher = Files.copy(Path.of("..", "plumbline").toAbsolutePath().normalize(),
        root.resolve("plumbline"));
    javaHome = dir.resolve("jdk");
    Path java = Files.createDirectories(javaHome.resolve("bin")).resolve("java");
    Files.writeString(java, "#!/bin/sh\nfor a in \"$@\"; do echo \"$a\"; done\n");
    Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
  }

  private List<String> options(String javaOpts, String... args) throws Exception {
    List<String> command = new java.util.ArrayList<>(List.of("sh", launcher.toString()));
    command.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
    Map<String, String> env = pb.environment();
    env.put("JAVA_HOME", javaHome.toString());
    env.put("PLUMBLINE_JAVA_OPTS", javaOpts);
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(out).isZero();
    List<String> all = out.lines().toList();
    return all.subList(0, all.indexOf("-jar"));
  }

  private Path manifests(String name, int bytes) throws IOException {
    Path d = Files.createDirectories(dir.resolve(name));
    byte[] data = new byte[bytes];
    java.util.Arrays.fill(data, (byte) '#');
    Files.write(d.resolve("big.yaml"), data);
    return d;
  }

  @Test
  void aSmallScanUsesTheQuickCompilerAndLeavesTheHeapAlone() throws Exception {
    Path small = manifests("small", 1000);
    assertThat(options("-Xmx1g", "scan", small.toString()))
        .contains("-XX:TieredStopAtLevel=1", "-Xmx1g")
        .noneMatch(o -> o.startsWith("-Xms"));
  }

  @Test
  void aLargeScanUsesTheOptimisingCompilerAndStartsWithTheWholeCappedHeap() throws Exception {
    Path large = manifests("large", 17 << 20);
    List<String> options = options("-Xmx1g", "scan", "-o", "json", large.toString());
    assertThat(options).doesNotContain("-XX:TieredStopAtLevel=1").contains("-Xms1g", "-Xmx1g");
    assertThat(options("", "scan", large.toString())).as("no cap, no initial size")
        .noneMatch(o -> o.startsWith("-Xms"));
    assertThat(options("-Xms256m -Xmx1g", "scan", large.toString())).as("the user's own")
        .containsOnlyOnce("-Xms256m").doesNotContain("-Xms1g");
    assertThat(options("-Xmx2g", "serve")).contains("-Xms2g", "-Xmx2g")
        .doesNotContain("-XX:TieredStopAtLevel=1");
  }
}
