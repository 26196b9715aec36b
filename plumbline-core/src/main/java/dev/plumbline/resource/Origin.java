package dev.plumbline.resource;

/**
 * Where a resource came from: a file (with the index of its YAML document) or a live cluster
 * (with the object's resourceVersion).
 *
 * @param file the file as the user named it, {@code -} for standard input, null for live objects
 * @param document the 0-based index of the YAML document in the file, -1 when not from a file
 * @param line the 1-based line where the object starts, 0 when unknown
 * @param resourceVersion the resourceVersion of a live object, null for files
 */
public record Origin(String file, int document, int line, String resourceVersion) {
  public static Origin file(String file, int document, int line) {
    return new Origin(file, document, line, null);
  }

  public static Origin live(String resourceVersion) {
    return new Origin(null, -1, 0, resourceVersion);
  }

  public boolean isFile() {
    return file != null;
  }
}
