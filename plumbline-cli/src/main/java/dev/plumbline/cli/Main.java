package dev.plumbline.cli;

import dev.plumbline.control.Library;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.function.Supplier;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code plumbline} command.
 *
 * <p>Exit codes: 0 when nothing at or above {@code --fail-on} was found, 1 when something was,
 * 2 for usage and input errors (an unknown id, a file that could not be read or parsed). No stack
 * trace reaches the user unless {@code PLUMBLINE_DEBUG} is set.
 */
@Command(name = "plumbline", mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    description = "Kubernetes security posture: scan manifests and clusters against Pod Security "
        + "Standards, CIS, NSA-CISA and MITRE controls.")
public final class Main {
  /**
   * The subcommands, in the order of the usage help. Picocli reads every option of every
   * subcommand it is given before it parses anything (a good part of a small scan's start-up),
   * so a command line that names one gets only that one; any other (help, none or an unknown
   * one) gets them all.
   */
  private static final Map<String, Supplier<Object>> SUBCOMMANDS = subcommands();

  private static Map<String, Supplier<Object>> subcommands() {
    Map<String, Supplier<Object>> m = new LinkedHashMap<>();
    m.put("scan", ScanCommand::new);
    m.put("fix", FixCommand::new);
    m.put("report", ReportCommand::new);
    m.put("serve", ServeCommand::new);
    m.put("admission", AdmissionCommand::new);
    m.put("controls", ControlsCommand::new);
    m.put("frameworks", FrameworksCommand::new);
    m.put("help", CommandLine.HelpCommand::new);
    return m;
  }

  /** Exit code: nothing at or above the threshold was found. */
  static final int OK = 0;
  /** Exit code: findings at or above the threshold. */
  static final int FINDINGS = 1;
  /** Exit code: usage or input error. */
  static final int ERROR = 2;

  public static void main(String[] args) {
    if (args.length > 0 && java.util.Set.of("scan", "fix", "report", "controls", "frameworks")
        .contains(args[0])) {
      // The built-in library loads while the command line is read: that part runs on one core.
      Thread preload = new Thread(() -> {
        try {
          Library.builtIn();
        } catch (RuntimeException e) {
          // the command loads it again and reports the problem
        }
      }, "plumbline-library");
      preload.setDaemon(true);
      preload.start();
    }
    PrintWriter out = new PrintWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8),
        true);
    PrintWriter err = new PrintWriter(new OutputStreamWriter(System.err, StandardCharsets.UTF_8),
        true);
    System.exit(run(args, out, err));
  }

  /** Runs the command line with the given streams; returns the exit code. */
  static int run(String[] args, PrintWriter out, PrintWriter err) {
    CommandLine cli = new CommandLine(new Main());
    String first = args.length == 0 ? "" : args[0];
    if (SUBCOMMANDS.containsKey(first) && !first.equals("help")) {
      cli.addSubcommand(first, SUBCOMMANDS.get(first).get());
    } else {
      SUBCOMMANDS.forEach((name, command) -> cli.addSubcommand(name, command.get()));
    }
    cli.setOut(out);
    cli.setErr(err);
    cli.setCaseInsensitiveEnumValuesAllowed(true);
    cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
      commandLine.getErr().println("error: " + messageOf(e));
      if (System.getenv("PLUMBLINE_DEBUG") != null) {
        e.printStackTrace(commandLine.getErr());
      }
      commandLine.getErr().flush();
      return ERROR;
    });
    cli.setParameterExceptionHandler((e, argsGiven) -> {
      CommandLine c = e.getCommandLine();
      c.getErr().println("error: " + e.getMessage());
      c.getErr().println("Try '" + c.getCommandSpec().qualifiedName() + " --help' for more.");
      c.getErr().flush();
      return ERROR;
    });
    int code = cli.execute(args);
    out.flush();
    err.flush();
    return code;
  }

  private static String messageOf(Throwable e) {
    String m = e.getMessage();
    return m == null || m.isBlank() ? e.getClass().getSimpleName() : m;
  }

  static String version() {
    try (InputStream in = Main.class.getResourceAsStream("version.properties")) {
      Properties p = new Properties();
      if (in != null) {
        p.load(in);
      }
      return p.getProperty("version", "dev");
    } catch (IOException e) {
      return "dev";
    }
  }

  /** Prints the version. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {"plumbline " + version()};
    }
  }
}
