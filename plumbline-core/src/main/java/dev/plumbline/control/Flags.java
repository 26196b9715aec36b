package dev.plumbline.control;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Command-line flags of a Kubernetes component, from a container's {@code command} and
 * {@code args}: {@code --anonymous-auth=false} and {@code --anonymous-auth false} both give
 * {@code anonymous-auth -> "false"}, a bare {@code --profiling} gives {@code "true"}. The last
 * occurrence wins, as in the components' flag parsing, except for the list flags the components
 * add up (pflag's string slices and arrays, and feature gates, which merge): their occurrences
 * are joined with commas, in order, as the component reads them. kubeadm's
 * {@code extraArgs} (v1beta4) may name a flag twice, and writes both. In CEL:
 * {@code flags(container.?command.orValue([]) + container.?args.orValue([]))}.
 */
final class Flags {
  /**
   * The flags, of the components the controls judge, whose repeated occurrences add up:
   * kube-apiserver's admission plugins, authorization modes, cipher suites and service account
   * key files, and the feature gates of every component (etcd's too).
   */
  static final Set<String> LISTS = Set.of("enable-admission-plugins", "disable-admission-plugins",
      "admission-control", "authorization-mode", "tls-cipher-suites", "feature-gates",
      "service-account-key-file", "service-account-issuer", "api-audiences", "etcd-servers",
      "controllers");

  private Flags() {}

  private static void put(Map<String, String> flags, String name, String value) {
    String before = flags.get(name);
    flags.put(name, before != null && LISTS.contains(name) ? before + "," + value : value);
  }

  static Map<String, String> parse(Object arguments) {
    Map<String, String> flags = new LinkedHashMap<>();
    if (!(arguments instanceof List<?> list)) {
      return flags;
    }
    for (int i = 0; i < list.size(); i++) {
      String arg = String.valueOf(list.get(i));
      // a shell wrapper ("sh -c 'kube-apiserver --x=y ...'") carries the flags in one string
      if (isShellLine(arg)) {
        parse(List.of(arg.strip().split("\\s+"))).forEach((k, v) -> put(flags, k, v));
        continue;
      }
      if (!arg.startsWith("-") || arg.equals("-") || arg.equals("--")) {
        continue;
      }
      String body = arg.startsWith("--") ? arg.substring(2) : arg.substring(1);
      int eq = body.indexOf('=');
      if (eq >= 0) {
        put(flags, body.substring(0, eq), body.substring(eq + 1));
      } else if (i + 1 < list.size() && !String.valueOf(list.get(i + 1)).startsWith("-")
          && !isShellLine(String.valueOf(list.get(i + 1)))) {
        put(flags, body, String.valueOf(list.get(i + 1)));
        i++;
      } else {
        put(flags, body, "true");
      }
    }
    return flags;
  }

  /** A script passed to a shell ({@code sh -c "kube-apiserver --x=y"}), not a flag's value. */
  private static boolean isShellLine(String arg) {
    return arg.contains(" --") && !arg.startsWith("--");
  }
}
