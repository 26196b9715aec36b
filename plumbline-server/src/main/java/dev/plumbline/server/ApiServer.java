package dev.plumbline.server;

import dev.plumbline.control.Library;
import dev.plumbline.store.Store;
import dev.plumbline.store.StoreException;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.BooleanSupplier;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

/**
 * The HTTP side of {@code plumbline serve}: the REST API under {@code /api/v1} over the history
 * store and the control library, {@code /healthz}, {@code /readyz} and {@code /metrics}.
 * See docs/serve.md.
 *
 * <pre>
 * try (ApiServer server = ApiServer.start(settings, store, library, registry, monitor::ready,
 *     Clock.systemUTC())) {
 *   ... // serves until closed
 * }
 * </pre>
 */
public final class ApiServer implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger(ApiServer.class.getName());

  private final Javalin app;

  private ApiServer(Javalin app) {
    this.app = app;
  }

  /**
   * Starts serving; returns once the port is bound.
   *
   * @param settings where to listen and whom to let in
   * @param store the history store the API reads and writes
   * @param library the control library (controls, frameworks)
   * @param metrics the registry /metrics exposes; the server adds its own meters to it
   * @param ready whether the process is ready (for /readyz): the monitor's first sync done
   * @param clock the time of exception changes and of default ranges
   * @throws IllegalArgumentException when the TLS material cannot be loaded
   * @throws IllegalStateException when the port cannot be bound
   */
  public static ApiServer start(ServerSettings settings, Store store, Library library,
      PrometheusMeterRegistry metrics, BooleanSupplier ready, Clock clock) {
    Objects.requireNonNull(settings, "settings");
    Objects.requireNonNull(store, "store");
    Objects.requireNonNull(library, "library");
    Objects.requireNonNull(metrics, "metrics");
    Objects.requireNonNull(ready, "ready");
    Objects.requireNonNull(clock, "clock");
    ObjectMapper json = JsonMapper.builder().build();
    Api api = new Api(store, library, clock, json);
    Auth auth = new Auth(settings.tokens(), settings.demo());
    ServerMetrics meters = new ServerMetrics(metrics, store);
    byte[] openApi = OpenApi.document(api.routes(), json);
    TlsMaterial.Loaded tls = settings.tls() == null ? null : TlsMaterial.load(settings.tls());

    Javalin app = Javalin.create(config -> {
      config.startup.showJavalinBanner = false;
      config.http.maxRequestSize = settings.maxBodyBytes();
      config.jetty.host = settings.host();
      config.jetty.port = settings.port();
      if (tls != null) {
        config.jetty.addConnector((server, httpConfig) -> {
          SslContextFactory.Server ssl = new SslContextFactory.Server();
          ssl.setKeyStore(tls.store());
          ssl.setKeyStorePassword(tls.password());
          httpConfig.addCustomizer(new SecureRequestCustomizer(false));
          ServerConnector connector = new ServerConnector(server,
              new SslConnectionFactory(ssl, "http/1.1"), new HttpConnectionFactory(httpConfig));
          connector.setHost(settings.host());
          connector.setPort(settings.port());
          return connector;
        });
      }
      config.routes.get("/healthz", ctx -> plain(ctx, 200, "ok\n"));
      config.routes.get("/readyz", ctx -> {
        boolean ok;
        try {
          ok = ready.getAsBoolean();
        } catch (RuntimeException e) {
          ok = false;
        }
        plain(ctx, ok ? 200 : 503, ok ? "ready\n" : "not ready\n");
      });
      config.routes.get("/metrics", ctx -> {
        ctx.contentType("text/plain; version=0.0.4; charset=utf-8");
        ctx.result(meters.scrape());
      });
      config.routes.get(Api.PREFIX + "/openapi.json", ctx -> {
        ctx.contentType("application/json");
        ctx.result(openApi);
      });
      for (Route route : api.routes()) {
        io.javalin.http.Handler h = ctx -> handle(ctx, route, auth, json, meters,
            settings.maxBodyBytes());
        switch (route.method()) {
          case "GET" -> config.routes.get(route.path(), h);
          case "POST" -> config.routes.post(route.path(), h);
          case "PUT" -> config.routes.put(route.path(), h);
          case "DELETE" -> config.routes.delete(route.path(), h);
          default -> throw new IllegalStateException(route.method());
        }
      }
      config.routes.exception(Exception.class, (e, ctx) -> {
        if (e instanceof io.javalin.http.HttpResponseException h) {
          error(ctx, json, h.getStatus(), h.getMessage(), null);
        } else {
          LOG.log(System.Logger.Level.ERROR, ctx.method() + " " + ctx.path() + " failed", e);
          error(ctx, json, 500, "internal error", null);
        }
      });
      config.routes.error(404, ctx -> {
        String type = ctx.res().getContentType();
        if (type == null || !type.startsWith("application/json")) {
          error(ctx, json, 404, "no such endpoint: " + ctx.method() + " " + ctx.path(), null);
        }
      });
      config.routes.error(405, ctx -> error(ctx, json, 405, "method not allowed", null));
      config.routes.error(413, ctx -> error(ctx, json, 413,
          "request body larger than " + settings.maxBodyBytes() + " bytes", null));
    });
    try {
      app.start();
    } catch (RuntimeException e) {
      throw new IllegalStateException("cannot serve on " + settings.host() + ":"
          + settings.port() + ": " + e.getMessage(), e);
    }
    return new ApiServer(app);
  }

  private static void handle(Context ctx, Route route, Auth auth, ObjectMapper json,
      ServerMetrics meters, long maxBody) {
    long started = System.nanoTime();
    ctx.header("Cache-Control", "no-store");
    ctx.header("X-Content-Type-Options", "nosniff");
    try {
      Auth.Caller caller = auth.authenticate(ctx.header("Authorization"));
      if (caller == null || (caller.anonymous() && route.admin())) {
        ctx.header("WWW-Authenticate", "Bearer realm=\"plumbline\"");
        throw new ApiError(401, "a valid bearer token is required", null);
      }
      if (route.admin() && !caller.role().mayWrite()) {
        throw new ApiError(403, "the " + Request.lower(caller.role())
            + " role may not change anything; an admin token is required", null);
      }
      Request req = new Request(ctx, route, caller.name(), maxBody);
      req.checkParams();
      Object result = route.handler().handle(req);
      if (result instanceof Api.Download d) {
        ctx.contentType(d.contentType());
        ctx.header("Content-Disposition", "attachment; filename=\"" + d.fileName() + "\"");
        // A downloaded report is a document, never an application: nothing may load or run.
        ctx.header("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'");
        ctx.result(d.body());
        return;
      }
      ctx.contentType("application/json");
      ctx.result(json.writeValueAsBytes(result));
    } catch (ApiError e) {
      error(ctx, json, e.status, e.getMessage(), e.parameter);
    } catch (io.javalin.http.HttpResponseException e) {
      error(ctx, json, e.getStatus(), e.getStatus() == 413
          ? "request body too large" : e.getMessage(), null);
    } catch (StoreException e) {
      LOG.log(System.Logger.Level.WARNING,
          route.method() + " " + ctx.path() + ": " + e.getMessage());
      error(ctx, json, 503, e.unavailable() ? "the database is unavailable"
          : "the database refused the request", null);
    } catch (Exception e) {
      // The client learns nothing of the cause; the log has it.
      LOG.log(System.Logger.Level.ERROR, route.method() + " " + ctx.path() + " failed", e);
      error(ctx, json, 500, "internal error", null);
    } finally {
      meters.request(route, ctx.statusCode(), System.nanoTime() - started);
    }
  }

  private static void plain(Context ctx, int status, String text) {
    ctx.status(status);
    ctx.contentType("text/plain; charset=utf-8");
    ctx.result(text);
  }

  static void error(Context ctx, ObjectMapper json, int status, String message,
      String parameter) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("status", status);
    body.put("error", message);
    if (parameter != null) {
      body.put("parameter", parameter);
    }
    ctx.status(status);
    ctx.contentType("application/json");
    ctx.result(json.writeValueAsBytes(body));
  }

  /** What the router serves, as {@code METHOD path}: for the test against the OpenAPI document. */
  java.util.Set<String> endpoints() {
    java.util.Set<String> out = new java.util.TreeSet<>();
    for (io.javalin.router.ParsedEndpoint e : app.unsafe.internalRouter.allHttpHandlers()) {
      out.add(e.endpoint.method.name() + " " + e.endpoint.path);
    }
    return out;
  }

  /** The bound port. */
  public int port() {
    return app.port();
  }

  /** Stops serving; in-flight requests are ended. */
  @Override
  public void close() {
    app.stop();
  }

  /** The bearer tokens and how they are checked. */
  static final class Auth {
    record Caller(String name, ServerSettings.Role role, boolean anonymous) {}

    private final List<byte[]> digests = new ArrayList<>();
    private final List<ServerSettings.ApiToken> tokens;
    private final boolean demo;

    Auth(List<ServerSettings.ApiToken> tokens, boolean demo) {
      this.tokens = tokens;
      this.demo = demo;
      for (ServerSettings.ApiToken t : tokens) {
        digests.add(sha256(t.token()));
      }
    }

    /** The caller of a request; null when it must be refused (401). */
    Caller authenticate(String header) {
      if (header == null || header.isBlank()) {
        return demo ? new Caller("anonymous", ServerSettings.Role.VIEWER, true) : null;
      }
      if (!header.regionMatches(true, 0, "Bearer ", 0, 7)) {
        return null;
      }
      byte[] given = sha256(header.substring(7).strip());
      Caller found = null;
      // Every token is compared, in constant time over fixed-length digests, so neither the
      // position of a match nor the length of a token shows in the timing.
      for (int i = 0; i < digests.size(); i++) {
        if (MessageDigest.isEqual(digests.get(i), given) && found == null) {
          found = new Caller(tokens.get(i).name(), tokens.get(i).role(), false);
        }
      }
      return found;
    }

    private static byte[] sha256(String text) {
      try {
        return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException(e);
      }
    }
  }
}
