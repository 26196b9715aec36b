package dev.plumbline.resource;

/** A problem with an input file, naming the file and line. */
public final class InputException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final transient InputError error;

  public InputException(InputError error) {
    super(error.toString());
    this.error = error;
  }

  public InputException(String file, int line, String message) {
    this(new InputError(file, line, message));
  }

  public InputError error() {
    return error;
  }
}
