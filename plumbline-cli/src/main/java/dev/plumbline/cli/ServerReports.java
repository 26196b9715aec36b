package dev.plumbline.cli;

import dev.plumbline.report.Report;
import dev.plumbline.report.ReportFormat;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import picocli.CommandLine;
import picocli.CommandLine.ParameterException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reads a report from a running {@code plumbline serve}: {@code GET
 * /api/v1/reports/{framework}?format=json}, the same report model the server renders for its own
 * downloads, so a report made here and one downloaded from the dashboard agree.
 */
final class ServerReports {
  private static final Duration CONNECT = Duration.ofSeconds(10);
  private static final Duration REQUEST = Duration.ofMinutes(5);

  private final URI base;
  private final String token;

  ServerReports(URI base, String token) {
    this.base = base;
    this.token = token == null || token.isBlank() ? null : token.strip();
  }

  /** The server's URL, checked: http or https with a host, no query; no trailing slash. */
  static URI baseUrl(String text, CommandLine cli) {
    URI uri;
    try {
      uri = new URI(text.strip());
    } catch (URISyntaxException e) {
      throw new ParameterException(cli, "--server: not a URL: " + text);
    }
    if (uri.getScheme() == null || !(uri.getScheme().equalsIgnoreCase("http")
        || uri.getScheme().equalsIgnoreCase("https")) || uri.getHost() == null
        || uri.getRawQuery() != null || uri.getRawFragment() != null) {
      throw new ParameterException(cli, "--server: expected http://HOST:PORT or "
          + "https://HOST:PORT: " + text);
    }
    if (uri.getUserInfo() != null) {
      throw new ParameterException(cli, "--server: give credentials with --token or $"
          + ReportCommand.TOKEN_ENV + ", not in the URL");
    }
    String s = uri.toString();
    while (s.endsWith("/")) {
      s = s.substring(0, s.length() - 1);
    }
    return URI.create(s);
  }

  /**
   * The report of a framework.
   *
   * @throws IOException with a message for the user: unreachable server, refused token, an
   *     answer that is not a report
   */
  Report fetch(String framework, String cluster) throws IOException {
    StringBuilder path = new StringBuilder(base.toString()).append("/api/v1/reports/")
        .append(URLEncoder.encode(framework, StandardCharsets.UTF_8).replace("+", "%20"))
        .append("?format=json");
    if (cluster != null) {
      path.append("&cluster=").append(URLEncoder.encode(cluster, StandardCharsets.UTF_8));
    }
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(path.toString()))
        .timeout(REQUEST).header("Accept", "application/json").GET();
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    HttpResponse<byte[]> response;
    HttpClient client = HttpClient.newBuilder().connectTimeout(CONNECT)
        .followRedirects(HttpClient.Redirect.NEVER).build();
    try {
      response = client.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    } catch (HttpTimeoutException e) {
      throw new IOException("the server at " + base + " did not answer in time ("
          + e.getMessage() + ")");
    } catch (IOException e) {
      throw new IOException("cannot reach the server at " + base + ": "
          + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while reading the server at " + base);
    }
    int status = response.statusCode();
    if (status == 401) {
      throw new IOException("the server at " + base + " refused the request (401): "
          + (token == null ? "it needs a token: give --token or set $" + ReportCommand.TOKEN_ENV
              : "the token is not valid there"));
    }
    if (status == 403) {
      throw new IOException("the server at " + base + " refused the token (403): "
          + errorOf(response.body()));
    }
    if (status != 200) {
      throw new IOException("the server at " + base + " answered " + status + ": "
          + errorOf(response.body()));
    }
    Report report;
    try {
      report = ReportFormat.readJson(new ByteArrayInputStream(response.body()));
    } catch (IllegalArgumentException e) {
      throw new IOException("the server at " + base + " did not send a report: "
          + e.getMessage());
    }
    Report.Source s = report.source();
    return new Report(report.schemaVersion(), report.producedAt(), report.producer(),
        new Report.Source(s.kind(), s.inputs(), s.cluster(), base.toString(), s.scannedAt(),
            s.pssVersion()),
        report.framework(), report.summary(), report.trend(), report.requirements(),
        report.exceptions(), report.incomplete());
  }

  /** The {@code error} of the API's error body, or the start of whatever was sent. */
  private static String errorOf(byte[] body) {
    try {
      JsonNode node = JsonMapper.builder().build().readTree(body);
      if (node != null && node.get("error") != null) {
        return node.get("error").asString();
      }
    } catch (RuntimeException e) {
      // not JSON: fall through
    }
    String text = new String(body, StandardCharsets.UTF_8).strip();
    return text.isEmpty() ? "(no message)" : text.substring(0, Math.min(200, text.length()));
  }
}
