package dev.plumbline.resource;

/**
 * Input that was read but deliberately not scanned (a document that is not a Kubernetes object,
 * a Helm template), reported so that nothing is skipped silently.
 */
public record InputNote(String file, int line, String message) {
  @Override
  public String toString() {
    return line > 0 ? file + ":" + line + ": " + message : file + ": " + message;
  }
}
