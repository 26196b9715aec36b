package dev.plumbline.control;

import java.util.List;

/**
 * The control library could not be loaded: a control or framework file is invalid, an expression
 * does not compile, or references do not resolve. Each problem names the file (and line).
 */
public final class LibraryException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final List<String> problems;

  public LibraryException(List<String> problems) {
    super(problems.size() == 1 ? problems.get(0)
        : problems.size() + " problems in the control library:\n  " + String.join("\n  ", problems));
    this.problems = List.copyOf(problems);
  }

  public List<String> problems() {
    return problems;
  }
}
