package dev.plumbline.resource;

/**
 * Input that could not be read or understood. Any input error makes a scan exit with code 2, but
 * never stops the other inputs from being scanned.
 *
 * @param file the file as the user named it ({@code -} for standard input)
 * @param line the 1-based line, 0 when the problem concerns the whole file
 * @param message what is wrong, in words a user can act on
 */
public record InputError(String file, int line, String message) {
  @Override
  public String toString() {
    return line > 0 ? file + ":" + line + ": " + message : file + ": " + message;
  }
}
