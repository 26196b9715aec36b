package dev.plumbline.kube;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.NamespacedKubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMixedDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.ServerRequest;
import io.fabric8.mockwebserver.ServerResponse;
import io.fabric8.mockwebserver.http.Dispatcher;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * fabric8's mock API server in CRUD mode, behind a front that adds what the CRUD mock lacks and
 * a real API server has.
 *
 * <p>The CRUD mock stores objects and answers lists, filters by namespace and by label and field
 * selectors, and serves watches; but it ignores {@code limit} and {@code continue} (every list is
 * one page), ignores the {@code Accept} header (it never answers a
 * {@code PartialObjectMetadataList}: a Secret comes back whole, with its data), serves every path
 * (no 404 for a group it does not know) and knows no RBAC (no 403). The front pages lists the way
 * the API server does (an opaque continue token, {@code metadata.continue} on every page but the
 * last), answers chosen paths with chosen error codes, and records every request.
 */
final class MockCluster implements AutoCloseable {
  private final ObjectMapper mapper = Serialization.jsonMapper();
  private final List<RecordedRequest> requests = new CopyOnWriteArrayList<>();
  private final Map<String, Integer> faults = new ConcurrentHashMap<>();
  private final Map<String, Integer> faultsOnce = new ConcurrentHashMap<>();
  private final KubernetesMockServer server;
  private final NamespacedKubernetesClient client;

  MockCluster() {
    // Expectations set with server().expect() are answered first, then the CRUD store.
    Map<ServerRequest, Queue<ServerResponse>> expectations = new HashMap<>();
    Dispatcher crud = new KubernetesMixedDispatcher(expectations);
    server = new KubernetesMockServer(new Context(mapper), new MockWebServer(), expectations,
        new Front(crud), false) {
      @Override
      protected Config initConfig() {
        Config config = super.initConfig();
        config.setRequestRetryBackoffLimit(1); // as the CLI does: fail fast on server errors
        return config;
      }
    };
    server.init();
    client = server.createClient();
  }

  NamespacedKubernetesClient client() {
    return client;
  }

  KubernetesMockServer server() {
    return server;
  }

  /** Answers every request for {@code path} (no query) with {@code code} and a Status. */
  void fail(String path, int code) {
    faults.put(path, code);
  }

  /** Answers the next request for {@code path} whose query has a continue token with {@code code}. */
  void failNextContinue(String path, int code) {
    faultsOnce.put(path, code);
  }

  /** The requests received so far (method, path with query, headers). */
  List<RecordedRequest> requests() {
    return List.copyOf(requests);
  }

  /** The watch requests for a path, with their queries. */
  List<String> watchesOf(String path) {
    List<String> watches = new ArrayList<>();
    for (RecordedRequest r : requests) {
      String p = r.getPath();
      if (pathOf(p).equals(path) && p.contains("watch=")) {
        watches.add(p);
      }
    }
    return watches;
  }

  /** The GET list requests (not watches) for a path, with their queries. */
  List<String> listsOf(String path) {
    List<String> lists = new ArrayList<>();
    for (RecordedRequest r : requests) {
      String p = r.getPath();
      if (r.getMethod().equals("GET") && pathOf(p).equals(path) && !p.contains("watch=")) {
        lists.add(p);
      }
    }
    return lists;
  }

  void clearRequests() {
    requests.clear();
  }

  @Override
  public void close() {
    client.close();
    try {
      server.destroy();
    } catch (IllegalStateException e) {
      // Under Vert.x 5 the mock server waits for every WebSocket to close, and its watch handler
      // blocks its event loop when a watch closes; on a busy machine it gives up after 10 s.
      // Its port is closed by then; the test's assertions are made. Not a test failure.
      if (!String.valueOf(e.getMessage()).contains("Unable to close MockWebServer")) {
        throw e;
      }
    }
  }

  private static String pathOf(String pathAndQuery) {
    int q = pathAndQuery.indexOf('?');
    return q < 0 ? pathAndQuery : pathAndQuery.substring(0, q);
  }

  private static Map<String, String> queryOf(String pathAndQuery) {
    Map<String, String> query = new LinkedHashMap<>();
    int q = pathAndQuery.indexOf('?');
    if (q < 0) {
      return query;
    }
    for (String pair : pathAndQuery.substring(q + 1).split("&")) {
      int eq = pair.indexOf('=');
      String key = eq < 0 ? pair : pair.substring(0, eq);
      String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1),
          StandardCharsets.UTF_8);
      query.put(key, value);
    }
    return query;
  }

  private MockResponse status(int code) {
    String reason = switch (code) {
      case 403 -> "Forbidden";
      case 404 -> "NotFound";
      case 410 -> "Expired";
      default -> "InternalError";
    };
    String message = switch (code) {
      case 403 -> "forbidden: User \"system:serviceaccount:plumbline:scanner\" cannot list "
          + "this resource";
      case 404 -> "the server could not find the requested resource";
      case 410 -> "The provided continue parameter is too old to display a consistent list "
          + "result.";
      default -> "an error on the server has prevented the request from succeeding";
    };
    ObjectNode status = mapper.createObjectNode();
    status.put("kind", "Status");
    status.put("apiVersion", "v1");
    status.putObject("metadata");
    status.put("status", "Failure");
    status.put("message", message);
    status.put("reason", reason);
    status.put("code", code);
    return new MockResponse().setResponseCode(code).setHeader("Content-Type", "application/json")
        .setBody(mapper.writeValueAsString(status));
  }

  /** Faults, then paging, in front of the CRUD dispatcher. */
  private final class Front extends Dispatcher {
    private final Dispatcher crud;

    Front(Dispatcher crud) {
      this.crud = crud;
    }

    @Override
    public MockResponse dispatch(RecordedRequest request) {
      requests.add(request);
      String path = pathOf(request.getPath());
      Map<String, String> query = queryOf(request.getPath());
      Integer fault = faults.get(path);
      if (fault != null) {
        return status(fault);
      }
      if (query.containsKey("continue")) {
        Integer once = faultsOnce.remove(path);
        if (once != null) {
          return status(once);
        }
      }
      if (!request.getMethod().equals("GET") || !query.containsKey("limit")
          || query.containsKey("watch")) {
        return crud.dispatch(request);
      }
      // A paged list: ask the CRUD mock for everything, answer one page of it.
      int limit = Integer.parseInt(query.get("limit"));
      int offset = query.containsKey("continue") ? Integer.parseInt(new String(
          java.util.Base64.getDecoder().decode(query.get("continue")), StandardCharsets.UTF_8))
          : 0;
      query.remove("limit");
      query.remove("continue");
      StringBuilder rest = new StringBuilder(path);
      query.forEach((k, v) -> rest.append(rest.indexOf("?") < 0 ? '?' : '&').append(k)
          .append('=').append(v));
      RecordedRequest whole = new RecordedRequest(request.getHttpVersion(), request.method(),
          rest.toString(), request.getHeaders(), request.getBody());
      MockResponse response = crud.dispatch(whole);
      if (response.code() != 200) {
        return response;
      }
      ObjectNode list = (ObjectNode) mapper.readTree(response.getBody().readUtf8());
      ArrayNode items = (ArrayNode) list.get("items");
      ArrayNode page = mapper.createArrayNode();
      for (int i = offset; i < Math.min(items.size(), offset + limit); i++) {
        page.add(items.get(i));
      }
      list.set("items", page);
      ObjectNode metadata = list.has("metadata") ? (ObjectNode) list.get("metadata")
          : list.putObject("metadata");
      if (offset + limit < items.size()) {
        metadata.put("continue", java.util.Base64.getEncoder().encodeToString(
            Integer.toString(offset + limit).getBytes(StandardCharsets.UTF_8)));
        metadata.put("remainingItemCount", items.size() - offset - limit);
      }
      return new MockResponse().setResponseCode(200)
          .setHeader("Content-Type", "application/json")
          .setBody(mapper.writeValueAsString(list));
    }
  }
}
