package dev.plumbline.monitor;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/** A local HTTP server that records the posts it receives and answers with chosen codes. */
final class Receiver implements AutoCloseable {
  record Post(Map<String, List<String>> headers, String body, int answered) {
    String header(String name) {
      for (Map.Entry<String, List<String>> e : headers.entrySet()) {
        if (e.getKey() != null && e.getKey().equalsIgnoreCase(name)) {
          return e.getValue().get(0);
        }
      }
      return null;
    }
  }

  final List<Post> posts = new CopyOnWriteArrayList<>();
  /** Requests answered 500 before the receiver answers 200. */
  final AtomicInteger failuresLeft = new AtomicInteger();
  private final HttpServer server;

  Receiver() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/", exchange -> {
      String body;
      try (InputStream in = exchange.getRequestBody()) {
        body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      }
      int code = failuresLeft.getAndUpdate(n -> Math.max(0, n - 1)) > 0 ? 500 : 200;
      posts.add(new Post(Map.copyOf(exchange.getRequestHeaders()), body, code));
      byte[] answer = (code == 200 ? "ok" : "down for maintenance").getBytes();
      exchange.sendResponseHeaders(code, answer.length);
      exchange.getResponseBody().write(answer);
      exchange.close();
    });
    server.start();
  }

  String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/hook";
  }

  List<Post> delivered() {
    return posts.stream().filter(p -> p.answered() == 200).toList();
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
