package dev.plumbline.cli;

import dev.plumbline.control.Library;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code --controls DIR}: custom controls joined with the built-in library. */
final class LibraryOption {
  @Spec(Spec.Target.MIXEE)
  picocli.CommandLine.Model.CommandSpec spec;

  @Option(names = "--controls", paramLabel = "DIR",
      description = "Also load the custom controls in DIR (same format as the built-in ones).")
  Path controls;

  /** The library to use, joined with {@code dir} when given (falling back to the flag). */
  Library library(Path fallback) {
    Path dir = controls != null ? controls : fallback;
    if (dir == null) {
      return Library.builtIn();
    }
    if (!Files.isDirectory(dir)) {
      throw new ParameterException(spec.commandLine(),
          "--controls: '" + dir + "' is not a directory");
    }
    return Library.builtIn().withCustom(dir);
  }
}
