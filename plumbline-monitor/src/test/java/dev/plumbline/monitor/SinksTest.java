package dev.plumbline.monitor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.plumbline.store.Alert;
import dev.plumbline.store.AlertEvent;
import dev.plumbline.store.Transition;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** Each sink against a real local receiver. */
class SinksTest {
  /** RFC 5424: PRI VERSION TIMESTAMP HOSTNAME APP-NAME PROCID MSGID SD MSG. */
  private static final Pattern RFC5424 = Pattern.compile(
      "<(\\d{1,3})>1 (\\S+) (\\S+) (\\S+) (\\S+) (\\S+) (\\[(?:[^\\]\\\\]|\\\\.)*\\]|-) (.*)",
      Pattern.DOTALL);

  private static Alert alert(long id, String findingId, Transition t, String severity) {
    String payload = "{\"cluster\":\"prod\",\"transition\":\"" + t + "\",\"at\":"
        + "\"2026-11-27T10:15:30.123456Z\",\"findingId\":\"" + findingId + "\",\"status\":\"OPEN\","
        + "\"severity\":\"" + severity + "\",\"control\":{\"id\":\"privileged-containers\","
        + "\"version\":1,\"title\":\"Privileged <containers>\",\"category\":\"pod-security\","
        + "\"frameworks\":[\"pss-baseline\"]},\"resource\":{\"apiVersion\":\"apps/v1\","
        + "\"kind\":\"Deployment\",\"namespace\":\"shop\",\"name\":\"api\","
        + "\"resourceVersion\":\"42\"},\"path\":\"spec.template.spec.containers[1]"
        + ".securityContext.privileged\",\"value\":true,\"message\":\"container \\\"debug\\\""
        + " is privileged\",\"remediation\":\"drop it\",\"firstSeen\":\"2026-11-27T10:15:30Z\","
        + "\"reopenCount\":0,\"revision\":1}";
    return new Alert(id, new AlertEvent("s", "prod", findingId, t, 1, payload),
        Alert.State.CLAIMED, 0, Instant.now(), Instant.now(), null, null);
  }

  @Test
  void theWebhookPostsTheAlertsSignedWithTheSecretAndTheTimestamp() throws Exception {
    try (Receiver receiver = new Receiver()) {
      new WebhookSink(HttpClient.newHttpClient(), receiver.url(), "s3cret")
          .send(List.of(alert(7, "f1", Transition.NEW, "CRITICAL"),
              alert(8, "f2", Transition.RESOLVED, "HIGH")));

      Receiver.Post post = receiver.posts.get(0);
      String timestamp = post.header("X-Plumbline-Timestamp");
      assertThat(Long.parseLong(timestamp))
          .isBetween(Instant.now().getEpochSecond() - 60, Instant.now().getEpochSecond() + 1);
      // The verification recipe of docs/monitoring.md.
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec("s3cret".getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      String expected = "sha256=" + HexFormat.of().formatHex(
          mac.doFinal((timestamp + "." + post.body()).getBytes(StandardCharsets.UTF_8)));
      assertThat(MessageDigest.isEqual(expected.getBytes(),
          post.header("X-Plumbline-Signature").getBytes())).isTrue();
      assertThat(post.header("X-Plumbline-Delivery")).isEqualTo("7,8");
      assertThat(post.header("Content-Type")).isEqualTo("application/json");
      JsonNode body = AlertRule.JSON.readTree(post.body());
      assertThat(body.get("source").asString()).isEqualTo("plumbline");
      assertThat(body.get("alerts")).hasSize(2);
      JsonNode first = body.get("alerts").get(0);
      assertThat(first.get("findingId").asString()).isEqualTo("f1");
      assertThat(first.get("control").get("id").asString()).isEqualTo("privileged-containers");
      assertThat(first.get("resource").get("name").asString()).isEqualTo("api");
      assertThat(first.get("value").asBoolean()).isTrue();
    }
  }

  @Test
  void aWebhookAnsweringAnErrorFailsTheBatch() throws Exception {
    try (Receiver receiver = new Receiver()) {
      receiver.failuresLeft.set(1);
      WebhookSink sink = new WebhookSink(HttpClient.newHttpClient(), receiver.url(), null);
      assertThatThrownBy(() -> sink.send(List.of(alert(1, "f1", Transition.NEW, "HIGH"))))
          .isInstanceOf(IOException.class).hasMessageContaining("500");
      assertThat(receiver.posts.get(0).header("X-Plumbline-Signature")).isNull();
    }
  }

  @Test
  void slackGetsTextAndBlocks() throws Exception {
    try (Receiver receiver = new Receiver()) {
      new SlackSink(HttpClient.newHttpClient(), receiver.url())
          .send(List.of(alert(1, "f1", Transition.NEW, "CRITICAL"),
              alert(2, "f2", Transition.RESOLVED, "HIGH")));

      JsonNode message = AlertRule.JSON.readTree(receiver.posts.get(0).body());
      assertThat(message.get("text").asString()).contains("2 finding changes", "prod");
      JsonNode blocks = message.get("blocks");
      assertThat(blocks).hasSize(3);
      assertThat(blocks.get(0).get("type").asString()).isEqualTo("header");
      String first = blocks.get(1).get("text").get("text").asString();
      assertThat(blocks.get(1).get("text").get("type").asString()).isEqualTo("mrkdwn");
      assertThat(first).contains("*NEW*", "CRITICAL", "Privileged &lt;containers&gt;",
          "Deployment/shop/api", "privileged-containers");
      assertThat(blocks.get(2).get("text").get("text").asString()).contains("RESOLVED");
    }
  }

  private static void assertRfc5424(String message, String findingId, int pri,
      String transition) {
    Matcher m = RFC5424.matcher(message);
    assertThat(m.matches()).as(message).isTrue();
    assertThat(Integer.parseInt(m.group(1))).isEqualTo(pri);
    assertThat(m.group(2)).isEqualTo("2026-11-27T10:15:30.123456Z");
    assertThat(m.group(4)).isEqualTo("plumbline");
    assertThat(m.group(5)).isEqualTo(Long.toString(ProcessHandle.current().pid()));
    assertThat(m.group(6)).isEqualTo(transition);
    assertThat(m.group(7)).startsWith("[plumbline@32473 ")
        .contains("cluster=\"prod\"", "findingId=\"" + findingId + "\"",
            "control=\"privileged-containers\"", "namespace=\"shop\"", "kind=\"Deployment\"",
            "path=\"spec.template.spec.containers[1\\].securityContext.privileged\"");
    assertThat(m.group(8)).contains("privileged-containers on Deployment/shop/api",
        "container \"debug\" is privileged");
  }

  @Test
  void syslogOverUdpSendsOneRfc5424DatagramPerAlert() throws Exception {
    try (DatagramSocket server = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
      server.setSoTimeout(5000);
      new SyslogSink("127.0.0.1", server.getLocalPort(), "udp")
          .send(List.of(alert(1, "f1", Transition.NEW, "CRITICAL"),
              alert(2, "f2", Transition.RESOLVED, "HIGH")));
      List<String> received = new ArrayList<>();
      for (int i = 0; i < 2; i++) {
        DatagramPacket p = new DatagramPacket(new byte[65536], 65536);
        server.receive(p);
        received.add(new String(p.getData(), 0, p.getLength(), StandardCharsets.UTF_8));
      }
      assertRfc5424(received.get(0), "f1", 16 * 8 + 2, "NEW");
      assertRfc5424(received.get(1), "f2", 16 * 8 + 5, "RESOLVED");
    }
  }

  @Test
  void syslogOverTcpFramesMessagesByOctetCounting() throws Exception {
    try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      CompletableFuture<byte[]> stream = CompletableFuture.supplyAsync(() -> {
        try (Socket s = server.accept(); InputStream in = s.getInputStream()) {
          return in.readAllBytes();
        } catch (IOException e) {
          throw new RuntimeException(e);
        }
      });
      new SyslogSink("127.0.0.1", server.getLocalPort(), "tcp")
          .send(List.of(alert(1, "f1", Transition.NEW, "HIGH"),
              alert(2, "f2", Transition.REOPENED, "MEDIUM")));
      DataInputStream in = new DataInputStream(new java.io.ByteArrayInputStream(
          stream.get(5, java.util.concurrent.TimeUnit.SECONDS)));
      List<String> frames = new ArrayList<>();
      while (in.available() > 0) {
        StringBuilder length = new StringBuilder();
        for (int c = in.read(); c != ' '; c = in.read()) {
          assertThat(Character.isDigit(c)).isTrue();
          length.append((char) c);
        }
        byte[] frame = new byte[Integer.parseInt(length.toString())];
        in.readFully(frame);
        frames.add(new String(frame, StandardCharsets.UTF_8));
      }
      assertThat(frames).hasSize(2);
      assertRfc5424(frames.get(0), "f1", 16 * 8 + 3, "NEW");
      assertRfc5424(frames.get(1), "f2", 16 * 8 + 4, "REOPENED");
    }
  }

  @Test
  void syslogOverTcpFailsWhenNobodyListens() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    SyslogSink sink = new SyslogSink("127.0.0.1", port, "tcp");
    assertThatThrownBy(() -> sink.send(List.of(alert(1, "f1", Transition.NEW, "HIGH"))))
        .isInstanceOf(IOException.class);
  }

  @Test
  void theLogSinkWritesOneLinePerAlert() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    new LogSink(new PrintStream(bytes, true, StandardCharsets.UTF_8))
        .send(List.of(alert(1, "f1", Transition.NEW, "HIGH"),
            alert(2, "f2", Transition.RESOLVED, "HIGH")));
    assertThat(bytes.toString(StandardCharsets.UTF_8).lines().toList()).containsExactly(
        "plumbline alert [prod] NEW HIGH privileged-containers on Deployment/shop/api "
            + "(spec.template.spec.containers[1].securityContext.privileged): "
            + "container \"debug\" is privileged",
        "plumbline alert [prod] RESOLVED HIGH privileged-containers on Deployment/shop/api "
            + "(spec.template.spec.containers[1].securityContext.privileged): "
            + "container \"debug\" is privileged");
  }
}
