package dev.plumbline.output;

import java.util.List;
import java.util.Objects;

/**
 * What an output needs to know besides the scan result.
 *
 * @param toolVersion the version of Plumbline, written into the machine formats
 * @param color whether the table may use ANSI colour (the CLI decides: only on a terminal and
 *     never when {@code NO_COLOR} is set); other formats ignore it
 * @param commandLine the arguments the scan was started with, for provenance (SARIF records them
 *     as the invocation); must not hold secrets
 * @param inputs the inputs scanned as the user named them (files, directories, {@code -}, or a
 *     cluster context), for provenance
 */
public record OutputContext(String toolVersion, boolean color, List<String> commandLine,
    List<String> inputs) {
  public OutputContext {
    Objects.requireNonNull(toolVersion, "toolVersion");
    commandLine = List.copyOf(commandLine);
    inputs = List.copyOf(inputs);
  }
}
