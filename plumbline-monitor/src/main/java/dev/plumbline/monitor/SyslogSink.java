package dev.plumbline.monitor;

import dev.plumbline.store.Alert;
import java.io.IOException;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import tools.jackson.databind.JsonNode;

/**
 * Syslog, RFC 5424 messages: over UDP one datagram per alert (RFC 5426), over TCP with
 * octet-counting framing ({@code LENGTH SP MESSAGE}, RFC 6587), one connection per batch.
 *
 * <pre>{@code <PRI>1 TIMESTAMP HOSTNAME plumbline PROCID TRANSITION [plumbline@32473 ...] MESSAGE}</pre>
 *
 * Facility local0 (16); the severity follows the finding's (critical 2, high 3, medium 4, low
 * 5) and a resolved finding is a notice (5).
 */
final class SyslogSink implements Sink {
  static final int FACILITY = 16;
  /** The private enterprise number reserved for documentation (RFC 5612). */
  static final String SD_ID = "plumbline@32473";

  private final String host;
  private final int port;
  private final boolean tcp;
  private final String hostname;
  private final String procId;

  SyslogSink(String host, int port, String protocol) {
    this.host = host;
    this.port = port;
    this.tcp = "tcp".equals(protocol);
    this.hostname = localHostname();
    this.procId = Long.toString(ProcessHandle.current().pid());
  }

  @Override
  public void send(List<Alert> alerts) throws IOException {
    if (tcp) {
      try (Socket socket = new Socket()) {
        socket.connect(new InetSocketAddress(host, port), 10_000);
        socket.setSoTimeout(30_000);
        OutputStream out = socket.getOutputStream();
        for (Alert a : alerts) {
          byte[] message = format(Payloads.read(a)).getBytes(StandardCharsets.UTF_8);
          out.write((message.length + " ").getBytes(StandardCharsets.US_ASCII));
          out.write(message);
        }
        out.flush();
      }
    } else {
      try (DatagramSocket socket = new DatagramSocket()) {
        InetAddress address = InetAddress.getByName(host);
        for (Alert a : alerts) {
          byte[] message = format(Payloads.read(a)).getBytes(StandardCharsets.UTF_8);
          socket.send(new DatagramPacket(message, message.length, address, port));
        }
      }
    }
  }

  String format(JsonNode a) {
    String transition = Payloads.text(a, "transition");
    int severity = transition.equals("RESOLVED") ? 5 : switch (Payloads.text(a, "severity")) {
      case "CRITICAL" -> 2;
      case "HIGH" -> 3;
      case "MEDIUM" -> 4;
      default -> 5;
    };
    String at = Payloads.text(a, "at");
    JsonNode r = a.path("resource");
    StringBuilder sd = new StringBuilder("[").append(SD_ID);
    param(sd, "cluster", Payloads.text(a, "cluster"));
    param(sd, "findingId", Payloads.text(a, "findingId"));
    param(sd, "control", Payloads.text(a.path("control"), "id"));
    param(sd, "severity", Payloads.text(a, "severity"));
    param(sd, "kind", Payloads.text(r, "kind"));
    param(sd, "namespace", Payloads.text(r, "namespace"));
    param(sd, "name", Payloads.text(r, "name"));
    param(sd, "path", Payloads.text(a, "path"));
    sd.append(']');
    return "<" + (FACILITY * 8 + severity) + ">1 " + (at.isEmpty() ? "-" : at) + " " + hostname
        + " plumbline " + procId + " " + (transition.isEmpty() ? "-" : transition) + " " + sd
        + " " + Payloads.line(a);
  }

  private static void param(StringBuilder sd, String name, String value) {
    sd.append(' ').append(name).append("=\"").append(value.replace("\\", "\\\\")
        .replace("\"", "\\\"").replace("]", "\\]")).append('"');
  }

  private static String localHostname() {
    try {
      String h = InetAddress.getLocalHost().getHostName();
      return h == null || h.isBlank() ? "-" : h.replace(' ', '-');
    } catch (IOException e) {
      return "-";
    }
  }
}
