package dev.plumbline.control;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Build step: type-checks every expression of a library and stores the results for fast
 * start-up (see {@link PrecompiledCel}), and lists the library's files in its index (read instead
 * of walking the jar). The library module runs it on its own controls:
 * {@code CelPrecompiler <library dir> <output file>}. A broken expression fails the build here,
 * with the same message the loader gives.
 */
public final class CelPrecompiler {
  private CelPrecompiler() {}

  public static void main(String[] args) throws IOException {
    if (args.length != 2) {
      System.err.println("usage: CelPrecompiler LIBRARY_DIR OUTPUT_FILE");
      System.exit(2);
    }
    Library library = Library.load(Path.of(args[0]));
    Library.writeIndex(Path.of(args[0]));
    CelSupport cel = CelSupport.get();
    Path out = Path.of(args[1]);
    Files.createDirectories(out.toAbsolutePath().getParent());
    Files.write(out, PrecompiledCel.write(cel.fingerprint(), cel.compiledAsts()));
    System.out.printf("precompiled %d expressions of %d controls into %s%n",
        cel.compiledAsts().size(), library.controls().size(), out);
  }
}
