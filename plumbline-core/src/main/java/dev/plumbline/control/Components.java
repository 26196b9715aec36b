package dev.plumbline.control;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Recognises the Kubernetes component a container runs, and where its flags are, for the
 * control-plane controls. In CEL:
 *
 * <ul>
 *   <li>{@code component(container)}: {@code "kube-apiserver"}, {@code "kube-controller-manager"},
 *       {@code "kube-scheduler"}, {@code "etcd"}, {@code "kubelet"}, {@code "kube-proxy"}, or
 *       {@code ""} for any other program;
 *   <li>{@code componentFlags(container)}: the flags the component runs with (see {@link Flags}),
 *       and for etcd also the {@code ETCD_*} environment variables that set a flag the command
 *       line leaves out, as etcd reads them;
 *   <li>{@code flagViolation(container, name)}: a violation entry for {@code --name}: the path of
 *       the argument that sets it last ({@code container.command[4]}, {@code container.args[2]},
 *       or the {@code container.env[i].value} of an etcd variable) with the flag's value, or, when
 *       the flag is not set, the list the flags are in ({@code container.args} when there are any,
 *       else {@code container.command}) with a null value.
 * </ul>
 *
 * <p>The component is the first program a container starts: {@code command[0]} (or
 * {@code args[0]} when there is no command), by its base name ({@code /usr/local/bin/etcd} is
 * etcd). Launchers in front of it are looked through: {@code hyperkube kube-apiserver} (and the old
 * {@code hyperkube apiserver}), {@code go-runner --log-file=... kube-apiserver},
 * {@code sh -c "exec kube-apiserver ..."}. Anything else first ({@code etcdctl},
 * {@code sh -c "echo kube-apiserver"}) is not a component.
 */
final class Components {
  static final Set<String> NAMES = Set.of("kube-apiserver", "kube-controller-manager",
      "kube-scheduler", "etcd", "kubelet", "kube-proxy");
  private static final Map<String, String> HYPERKUBE_COMMANDS = Map.of(
      "apiserver", "kube-apiserver",
      "controller-manager", "kube-controller-manager",
      "scheduler", "kube-scheduler",
      "kubelet", "kubelet",
      "proxy", "kube-proxy");
  private static final Set<String> SHELLS = Set.of("sh", "bash", "ash", "dash", "busybox");
  private static final Set<String> LAUNCHERS = Set.of("sh", "bash", "ash", "dash", "busybox",
      "exec", "env", "go-runner", "tini", "dumb-init", "nice", "ionice", "hyperkube");

  private Components() {}

  /** The component a container runs, or "" (see the class comment). */
  static String of(Object container) {
    boolean afterHyperkube = false;
    for (String token : programTokens(container)) {
      if (token.isEmpty() || token.startsWith("-")) {
        continue; // a launcher's own flags: sh -c, go-runner --log-file=...
      }
      String base = token.substring(token.lastIndexOf('/') + 1);
      if (NAMES.contains(base)) {
        return base;
      }
      if (afterHyperkube && HYPERKUBE_COMMANDS.containsKey(base)) {
        return HYPERKUBE_COMMANDS.get(base);
      }
      if (LAUNCHERS.contains(base)) {
        afterHyperkube = base.equals("hyperkube");
        continue;
      }
      if (!afterHyperkube && token.matches("[A-Za-z_][A-Za-z0-9_]*=.*")) {
        continue; // env FOO=bar kube-apiserver
      }
      return "";
    }
    return "";
  }

  /** The flags of the component, as it reads them (see the class comment). */
  static Map<String, String> flags(Object container) {
    Map<String, String> flags = Flags.parse(arguments(container));
    if (of(container).equals("etcd")) {
      for (Map.Entry<String, EnvValue> e : etcdEnv(container).entrySet()) {
        flags.putIfAbsent(e.getKey(), e.getValue().value());
      }
    }
    return flags;
  }

  /** A violation entry for a flag (see the class comment). */
  static Map<String, Object> violation(Object container, String flag) {
    Map<String, Object> entry = new LinkedHashMap<>();
    String path = argumentPath(container, flag);
    Map<String, String> flags = flags(container);
    if (path == null && of(container).equals("etcd")) {
      EnvValue env = etcdEnv(container).get(flag);
      if (env != null) {
        path = "container.env[" + env.index() + "].value";
      }
    }
    if (path == null) {
      path = "container." + home(container);
    }
    entry.put("path", path);
    // CEL values hold no Java null: a missing flag is CEL's null.
    String value = flags.get(flag);
    entry.put("value", value == null ? dev.cel.common.values.NullValue.NULL_VALUE : value);
    return entry;
  }

  /**
   * Where a flag patch ({@code op: flag}) writes {@code --flag}, relative to the container:
   * {@code field} is {@code "command"}, {@code "args"} or {@code "env"}; {@code index} is the
   * element to replace, or the list's size to append; {@code valueOnly} says the element holds
   * the flag's value alone (the item after a bare {@code --flag}, or an etcd variable's value).
   */
  record FlagSite(String field, int index, boolean valueOnly) {}

  /**
   * Where {@code --flag} is set, as the flag controls find it (see {@link #violation}), or
   * where it belongs when it is not set.
   *
   * @throws IllegalArgumentException when no argument can be changed or added without a person:
   *     the flags are in a shell line ({@code sh -c "exec kube-apiserver ..."}), or the flag's
   *     value is the first of the args after a command that ends with the bare flag
   */
  static FlagSite site(Object container, String flag) {
    List<Object> all = arguments(container);
    String first = all.isEmpty() ? "" : String.valueOf(all.get(0)).strip().split("\\s+")[0];
    if (SHELLS.contains(first.substring(first.lastIndexOf('/') + 1))) {
      throw new IllegalArgumentException("the program is started by a shell: its flags are "
          + "changed by hand");
    }
    for (Object arg : all) {
      if (isShellLine(String.valueOf(arg))) {
        throw new IllegalArgumentException("the program is started by a shell line: a flag in "
            + "it is changed by hand");
      }
    }
    for (String field : List.of("args", "command")) {
      List<?> list = list(container, field);
      for (int i = list.size() - 1; i >= 0; i--) {
        String arg = String.valueOf(list.get(i));
        if (!sets(arg, flag)) {
          continue;
        }
        if (arg.contains("=")) {
          return new FlagSite(field, i, false);
        }
        // a bare --flag takes the next argument as its value, as Flags reads it
        if (i + 1 < list.size()) {
          return takesValue(list.get(i + 1)) ? new FlagSite(field, i + 1, true)
              : new FlagSite(field, i, false);
        }
        if (field.equals("command") && !list(container, "args").isEmpty()
            && takesValue(list(container, "args").get(0))) {
          throw new IllegalArgumentException("the value of --" + flag + " is the first of the "
              + "args: change it by hand");
        }
        return new FlagSite(field, i, false);
      }
    }
    if (of(container).equals("etcd")) {
      EnvValue env = etcdEnv(container).get(flag);
      if (env != null) {
        return new FlagSite("env", env.index(), true);
      }
    }
    String home = home(container);
    return new FlagSite(home, list(container, home).size(), false);
  }

  private static boolean takesValue(Object next) {
    String s = String.valueOf(next);
    return !s.startsWith("-") && !isShellLine(s);
  }

  private static boolean isShellLine(String arg) {
    return arg.contains(" --") && !arg.startsWith("--");
  }

  /** The path of the last argument that sets {@code --flag}, or null. */
  private static String argumentPath(Object container, String flag) {
    for (String field : List.of("args", "command")) {
      List<?> list = list(container, field);
      for (int i = list.size() - 1; i >= 0; i--) {
        if (sets(String.valueOf(list.get(i)), flag)) {
          return "container." + field + "[" + i + "]";
        }
      }
    }
    return null;
  }

  /** Whether one argument sets the flag: {@code --flag}, {@code --flag=x}, or a shell line. */
  private static boolean sets(String argument, String flag) {
    if (argument.contains(" --") && !argument.startsWith("--")) {
      for (String token : argument.strip().split("\\s+")) {
        if (sets(token, flag)) {
          return true;
        }
      }
      return false;
    }
    if (!argument.startsWith("-")) {
      return false;
    }
    String body = argument.startsWith("--") ? argument.substring(2) : argument.substring(1);
    return body.equals(flag) || body.startsWith(flag + "=");
  }

  /**
   * The list a new flag belongs in: args when there are any ({@code command: [kube-apiserver]},
   * {@code args: [--flags...]}), else the command.
   */
  private static String home(Object container) {
    return list(container, "args").isEmpty() ? "command" : "args";
  }

  private record EnvValue(int index, String value) {}

  /** etcd's ETCD_FLAG_NAME variables with a literal value, by flag name. */
  private static Map<String, EnvValue> etcdEnv(Object container) {
    Map<String, EnvValue> byFlag = new LinkedHashMap<>();
    List<?> env = list(container, "env");
    for (int i = 0; i < env.size(); i++) {
      if (env.get(i) instanceof Map<?, ?> var && var.get("name") instanceof String name
          && name.startsWith("ETCD_") && name.length() > 5 && var.get("value") != null) {
        String flag = name.substring(5).toLowerCase(java.util.Locale.ROOT).replace('_', '-');
        byFlag.put(flag, new EnvValue(i, String.valueOf(var.get("value"))));
      }
    }
    return byFlag;
  }

  private static List<Object> arguments(Object container) {
    List<Object> all = new ArrayList<>(list(container, "command"));
    all.addAll(list(container, "args"));
    return all;
  }

  /** command then args, with shell lines split into words and quotes dropped. */
  private static List<String> programTokens(Object container) {
    List<String> tokens = new ArrayList<>();
    for (Object arg : arguments(container)) {
      for (String word : String.valueOf(arg).strip().split("\\s+")) {
        tokens.add(word.replaceAll("^[\"']+|[\"';]+$", ""));
      }
    }
    return tokens;
  }

  private static List<?> list(Object container, String field) {
    return container instanceof Map<?, ?> m && m.get(field) instanceof List<?> l ? l : List.of();
  }
}
