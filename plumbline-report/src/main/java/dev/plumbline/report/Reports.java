package dev.plumbline.report;

import dev.plumbline.control.Control;
import dev.plumbline.control.Framework;
import dev.plumbline.control.Library;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/** The parts every report builder shares: who produced it, the framework, the evidence order. */
public final class Reports {
  /** Evidence order: resource (namespace, kind, name, apiVersion), control, path, finding id. */
  public static final Comparator<Report.Evidence> EVIDENCE_ORDER = Comparator
      .comparing((Report.Evidence e) -> nz(e.resource().namespace()))
      .thenComparing(e -> nz(e.resource().kind()))
      .thenComparing(e -> nz(e.resource().name()))
      .thenComparing(e -> nz(e.resource().apiVersion()))
      .thenComparing(e -> nz(e.control()))
      .thenComparing(e -> nz(e.path()))
      .thenComparing(e -> nz(e.finding()));

  private static final String VERSION = readVersion();

  private Reports() {}

  /** The Plumbline version these classes were built as. */
  public static String plumblineVersion() {
    return VERSION;
  }

  /** This Plumbline and its control library. */
  public static Report.Producer producer(Library library) {
    StringBuilder key = new StringBuilder();
    for (Control c : library.controls()) {
      key.append("control ").append(c.id()).append('@').append(c.version()).append('\n');
    }
    for (Framework f : library.frameworks()) {
      key.append("framework ").append(f.id()).append('@').append(f.version()).append(' ')
          .append(f.requirements().size()).append('\n');
    }
    String digest;
    try {
      digest = "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
          .digest(key.toString().getBytes(StandardCharsets.UTF_8)), 0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
    return new Report.Producer(VERSION, library.controls().size(), library.frameworks().size(),
        digest);
  }

  /** A framework's identity. */
  public static Report.FrameworkInfo framework(Framework f) {
    return new Report.FrameworkInfo(f.id(), f.title(), f.version(), f.url());
  }

  /** An exception's scope beyond its controls, in words; empty when it covers everything. */
  public static String scope(List<String> clusters, List<String> namespaces, List<String> kinds,
      List<String> names, Map<String, String> labels) {
    List<String> parts = new ArrayList<>();
    if (!clusters.isEmpty()) {
      parts.add("clusters: " + String.join(", ", clusters));
    }
    if (!namespaces.isEmpty()) {
      parts.add("namespaces: " + String.join(", ", namespaces));
    }
    if (!kinds.isEmpty()) {
      parts.add("kinds: " + String.join(", ", kinds));
    }
    if (!names.isEmpty()) {
      parts.add("names: " + String.join(", ", names));
    }
    if (!labels.isEmpty()) {
      List<String> l = new ArrayList<>();
      new java.util.TreeMap<>(labels).forEach((k, v) -> l.add(k + "=" + v));
      parts.add("labels: " + String.join(", ", l));
    }
    return String.join("; ", parts);
  }

  private static String nz(String s) {
    return s == null ? "" : s;
  }

  private static String readVersion() {
    try (InputStream in = Reports.class.getResourceAsStream("version.properties")) {
      Properties p = new Properties();
      if (in != null) {
        p.load(in);
      }
      String v = p.getProperty("version", "dev");
      return v.startsWith("${") ? "dev" : v;
    } catch (IOException e) {
      return "dev";
    }
  }
}
