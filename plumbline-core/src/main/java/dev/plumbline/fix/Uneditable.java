package dev.plumbline.fix;

/** A file, or a part of it, that the fixer will not edit, with the reason and the line. */
public final class Uneditable extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final int line;

  public Uneditable(String reason, int line) {
    super(reason, null, false, false);
    this.line = line;
  }

  /** The 1-based line the reason concerns, 0 when it concerns the whole file. */
  public int line() {
    return line;
  }
}
