package dev.plumbline.control;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Command-line flags of a Kubernetes component, from a container's {@code command} and
 * {@code args}: {@code --anonymous-auth=false} and {@code --anonymous-auth false} both give
 * {@code anonymous-auth -> "false"}, a bare {@code --profiling} gives {@code "true"}. The last
 * occurrence wins, as in the components' flag parsing. In CEL:
 * {@code flags(container.?command.orValue([]) + container.?args.orValue([]))}.
 */
final class Flags {
  private Flags() {}

  static Map<String, String> parse(Object arguments) {
    Map<String, String> flags = new LinkedHashMap<>();
    if (!(arguments instanceof List<?> list)) {
      return flags;
    }
    for (int i = 0; i < list.size(); i++) {
      String arg = String.valueOf(list.get(i));
      // a shell wrapper ("sh -c 'kube-apiserver --x=y ...'") carries the flags in one string
      if (isShellLine(arg)) {
        flags.putAll(parse(List.of(arg.strip().split("\\s+"))));
        continue;
      }
      if (!arg.startsWith("-") || arg.equals("-") || arg.equals("--")) {
        continue;
      }
      String body = arg.startsWith("--") ? arg.substring(2) : arg.substring(1);
      int eq = body.indexOf('=');
      if (eq >= 0) {
        flags.put(body.substring(0, eq), body.substring(eq + 1));
      } else if (i + 1 < list.size() && !String.valueOf(list.get(i + 1)).startsWith("-")
          && !isShellLine(String.valueOf(list.get(i + 1)))) {
        flags.put(body, String.valueOf(list.get(i + 1)));
        i++;
      } else {
        flags.put(body, "true");
      }
    }
    return flags;
  }

  /** A script passed to a shell ({@code sh -c "kube-apiserver --x=y"}), not a flag's value. */
  private static boolean isShellLine(String arg) {
    return arg.contains(" --") && !arg.startsWith("--");
  }
}
