package dev.plumbline.bench;

import dev.plumbline.control.Library;
import dev.plumbline.resource.ManifestReader;
import dev.plumbline.scan.ScanOptions;
import dev.plumbline.scan.ScanResult;
import dev.plumbline.scan.Scanner;
import dev.plumbline.scan.Selection;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.util.List;
import java.util.Map;

/**
 * Scans a directory of manifests in-process with the full built-in library and reports where the
 * time goes: library load, reading, evaluation, and the peak heap. Run it with the heap limit
 * under test, for example:
 *
 * <pre>
 * java -Xmx1g -cp plumbline-bench/target/plumbline-bench.jar dev.plumbline.bench.ScanBenchmark bench-out/100k
 * </pre>
 */
public final class ScanBenchmark {
  private ScanBenchmark() {}

  /** Times each control alone over the first {@code n} resources, slowest first. */
  private static void perControl(String dir, int n) {
    Library library = Library.builtIn();
    List<dev.plumbline.resource.Resource> all =
        new ManifestReader().read(List.of(dir), System.in).resources();
    List<dev.plumbline.resource.Resource> sample = all.subList(0, Math.min(n, all.size()));
    java.util.Map<String, Long> times = new java.util.TreeMap<>();
    for (int round = 0; round < 2; round++) {
      for (dev.plumbline.control.Control c : library.controls()) {
        Scanner scanner = new Scanner(ScanOptions.of(
            Selection.resolve(library, List.of(), List.of(c.id()), null, Map.of())));
        long t = System.nanoTime();
        scanner.scan(sample, List.of(), List.of(), 0);
        times.put(c.id(), System.nanoTime() - t); // the second round, warm, is kept
      }
    }
    long total = times.values().stream().mapToLong(Long::longValue).sum();
    System.out.printf("%d resources, all controls one by one: %.2f s%n", sample.size(), total / 1e9);
    times.entrySet().stream().sorted(java.util.Map.Entry.<String, Long>comparingByValue().reversed())
        .limit(25).forEach(e -> System.out.printf("%8.1f ms  %s%n", e.getValue() / 1e6, e.getKey()));
  }

  public static void main(String[] args) {
    if (args.length != 1 && !(args.length == 3 && args[1].equals("--per-control"))) {
      System.err.println("usage: ScanBenchmark DIR [--per-control N]");
      System.exit(2);
    }
    if (args.length == 3) {
      perControl(args[0], Integer.parseInt(args[2]));
      return;
    }
    long t0 = System.nanoTime();
    Library library = Library.builtIn();
    long t1 = System.nanoTime();
    ManifestReader.Result input = new ManifestReader().read(List.of(args[0]), System.in);
    long t2 = System.nanoTime();
    Scanner scanner = new Scanner(ScanOptions.of(
        Selection.resolve(library, List.of(), List.of(), null, Map.of())));
    ScanResult result = scanner.scan(input);
    long t3 = System.nanoTime();
    long peak = 0;
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == MemoryType.HEAP) {
        peak += pool.getPeakUsage().getUsed();
      }
    }
    System.out.printf("controls            %d%n", library.controls().size());
    System.out.printf("resources read      %d (%d files, %d errors)%n",
        input.resources().size(), input.files(), input.errors().size());
    System.out.printf("resources judged    %d%n", result.judged().size());
    System.out.printf("findings            %d%n", result.findings().size());
    System.out.printf("library load        %.2f s%n", (t1 - t0) / 1e9);
    System.out.printf("read + parse        %.2f s%n", (t2 - t1) / 1e9);
    System.out.printf("evaluate            %.2f s%n", (t3 - t2) / 1e9);
    System.out.printf("total               %.2f s%n", (t3 - t0) / 1e9);
    System.out.printf("peak heap (sum of pool peaks)  %d MiB (max %d MiB)%n", peak >> 20,
        Runtime.getRuntime().maxMemory() >> 20);
  }
}
