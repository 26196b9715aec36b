package dev.plumbline.cli;

import dev.plumbline.control.Library;
import dev.plumbline.control.PolicyVersion;
import dev.plumbline.resource.InputException;
import dev.plumbline.scan.ScanOptions;
import dev.plumbline.scan.Selection;
import dev.plumbline.server.ServeConfig;
import dev.plumbline.server.admission.AdmissionSettings;
import dev.plumbline.server.admission.WebhookManifests;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code plumbline admission}: setting up admission control. */
@Command(name = "admission", mixinStandardHelpOptions = true,
    description = "Admission control: plumbline serve judges objects as the API server admits "
        + "them (see docs/admission.md).",
    subcommands = {AdmissionCommand.Manifests.class})
final class AdmissionCommand {

  /** {@code plumbline admission manifests}. */
  @Command(name = "manifests", mixinStandardHelpOptions = true,
      description = {"Print the ValidatingWebhookConfiguration, the "
          + "MutatingWebhookConfiguration and the Service that register plumbline serve as an "
          + "admission webhook, with either a generated CA and serving certificate (a TLS "
          + "Secret; the CA in caBundle) or cert-manager's Issuer and Certificate.",
          "",
          "Failure policy, timeout, exempt namespaces and the kinds sent come from the "
              + "admission and scan sections of --config (the defaults without it)."})
  static final class Manifests implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = {"-n", "--namespace"}, paramLabel = "NS", defaultValue = "plumbline",
        description = "The namespace plumbline serve runs in (default: ${DEFAULT-VALUE}).")
    String namespace;

    @Option(names = "--service", paramLabel = "NAME", defaultValue = "plumbline-webhook",
        description = "The webhook's Service, Secret and Certificate name (default: "
            + "${DEFAULT-VALUE}).")
    String service;

    @Option(names = "--target-port", paramLabel = "PORT", defaultValue = "8080",
        description = "The port plumbline serve listens on, with TLS (default: "
            + "${DEFAULT-VALUE}).")
    int targetPort;

    @Option(names = "--cert-manager",
        description = "Let cert-manager make the certificate and inject the CA, instead of "
            + "generating them now.")
    boolean certManager;

    @Option(names = "--validity-days", paramLabel = "DAYS", defaultValue = "365",
        description = "How long the certificates are valid (default: ${DEFAULT-VALUE}).")
    int validityDays;

    @Option(names = "--config", paramLabel = "FILE",
        description = "The serve configuration whose admission and scan sections apply.")
    Path config;

    @Override
    public Integer call() {
      if (validityDays < 1 || validityDays > 3650) {
        throw new ParameterException(spec.commandLine(),
            "--validity-days: must be 1 to 3650: " + validityDays);
      }
      AdmissionSettings settings = AdmissionSettings.enabledDefaults();
      Library library = Library.builtIn();
      ScanOptions options;
      try {
        ServeConfig.Scan scan = null;
        if (config != null) {
          // only the admission and scan sections matter here: no API token is needed
          ServeConfig cfg = ServeConfig.load(config, System.getenv(),
              Map.of("server.demo", "true"));
          settings = cfg.admission();
          scan = cfg.scan();
          if (scan.customControls() != null) {
            library = library.withCustom(scan.customControls());
          }
        }
        Selection selection = scan == null ? Selection.resolve(library, java.util.List.of(),
            java.util.List.of(), null, Map.of())
            : Selection.resolve(library, scan.frameworks(), scan.controls(), null,
                scan.severities());
        PolicyVersion version = scan != null && scan.pssVersion() != null ? scan.pssVersion()
            : PolicyVersion.LATEST;
        options = ScanOptions.of(selection).withPssVersion(version);
        WebhookManifests manifests = new WebhookManifests(namespace, service, targetPort,
            certManager, Duration.ofDays(validityDays));
        PrintWriter out = spec.commandLine().getOut();
        out.print(manifests.yaml(settings, library, options, Clock.systemUTC()));
        out.flush();
        return Main.OK;
      } catch (InputException | IllegalArgumentException e) {
        throw new ParameterException(spec.commandLine(), e.getMessage());
      }
    }
  }
}
