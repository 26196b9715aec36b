package dev.plumbline.server;

import dev.plumbline.control.Library;
import dev.plumbline.store.StoreException;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.javalin.http.Cookie;
import io.javalin.http.SameSite;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The web dashboard of {@code plumbline serve} at {@code /}: server-rendered HTML over the same
 * store queries as the API, plain links and forms (works without JavaScript), inline SVG
 * charts, every asset bundled. See docs/dashboard.md.
 *
 * <p>Sign-in takes an API token and sets an HttpOnly, SameSite=Strict session cookie (Secure
 * with TLS); every POST form carries the session's CSRF token; changes need the admin role,
 * checked here on the server (403), not only hidden in the page. In demo mode anyone may read.
 */
final class Dashboard {
  private static final System.Logger LOG = System.getLogger(Dashboard.class.getName());
  private static final String CSP = "default-src 'none'; style-src 'self'; script-src 'self';"
      + " img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";
  private static final Map<String, String> ASSETS = Map.of(
      "dashboard.css", "text/css; charset=utf-8",
      "dashboard.js", "text/javascript; charset=utf-8");

  private final ApiServer.Auth auth;
  private final Sessions sessions;
  private final boolean demo;
  private final boolean secure;
  private final Pages pages;
  private final Map<String, byte[]> assets = new LinkedHashMap<>();
  private final java.util.Set<String> routes = new java.util.TreeSet<>();

  /** Who is looking: a session's user, or the demo's anonymous viewer. */
  record Viewer(String name, ServerSettings.Role role, Sessions.Session session) {
    boolean admin() {
      return role.mayWrite();
    }

    String csrf() {
      return session == null ? "" : session.csrf();
    }
  }

  /** A page handler. */
  interface Page {
    void render(Context ctx, Viewer viewer) throws Exception;
  }

  Dashboard(Pages pages, ApiServer.Auth auth, Sessions sessions, boolean demo,
      boolean secure) {
    this.pages = pages;
    this.auth = auth;
    this.sessions = sessions;
    this.demo = demo;
    this.secure = secure;
    for (String name : ASSETS.keySet()) {
      try (InputStream in = Dashboard.class.getResourceAsStream("dashboard/" + name)) {
        if (in == null) {
          throw new IllegalStateException("missing dashboard asset " + name);
        }
        assets.put(name, in.readAllBytes());
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  void register(JavalinConfig config) {
    config.routes.get("/assets/{file}", this::asset);
    config.routes.get("/signin", ctx -> safe(ctx, () -> signInForm(ctx, null, 200)));
    config.routes.post("/signin", ctx -> safe(ctx, () -> signIn(ctx)));
    config.routes.post("/signout", ctx -> safe(ctx, () -> signOut(ctx)));
    routes.addAll(java.util.List.of("GET /assets/{file}", "GET /signin", "POST /signin",
        "POST /signout"));
    get(config, "/", pages::overview);
    get(config, "/findings", pages::findings);
    get(config, "/findings/{id}", pages::finding);
    get(config, "/resources/{kind}/{namespace}/{name}", pages::resource);
    get(config, "/compliance", pages::complianceIndex);
    get(config, "/compliance/{framework}", pages::compliance);
    get(config, "/controls", pages::controls);
    get(config, "/controls/{id}", pages::control);
    get(config, "/exceptions", pages::exceptions);
    get(config, "/exceptions/{id}", pages::exception);
    get(config, "/alerts", pages::alerts);
    post(config, "/exceptions", pages::createException);
    post(config, "/exceptions/{id}", pages::updateException);
    post(config, "/exceptions/{id}/expire", pages::expireException);
  }

  /** The dashboard's routes, as {@code METHOD path}. */
  java.util.Set<String> routes() {
    return java.util.Collections.unmodifiableSet(routes);
  }

  private void get(JavalinConfig config, String path, Page page) {
    routes.add("GET " + path);
    config.routes.get(path, ctx -> safe(ctx, () -> {
      Viewer viewer = viewer(ctx);
      if (viewer == null) {
        String here = ctx.path() + (ctx.queryString() == null ? "" : "?" + ctx.queryString());
        ctx.redirect(Html.url("/signin", Map.of("next", here)),
            io.javalin.http.HttpStatus.SEE_OTHER);
        return;
      }
      page.render(ctx, viewer);
    }));
  }

  /** A change: needs a session, its CSRF token and the admin role, else 403. */
  private void post(JavalinConfig config, String path, Page page) {
    routes.add("POST " + path);
    config.routes.post(path, ctx -> safe(ctx, () -> {
      Viewer viewer = viewer(ctx);
      if (viewer == null || viewer.session() == null) {
        throw new ApiError(403, "Sign in with an admin token to change anything.", null);
      }
      if (!Sessions.csrfMatches(viewer.session(), ctx.formParam("csrf"))) {
        throw new ApiError(403, "The form's CSRF token is missing or stale: reload the page"
            + " and try again.", null);
      }
      if (!viewer.admin()) {
        throw new ApiError(403, "The " + Request.lower(viewer.role()) + " role may not change"
            + " anything; sign in with an admin token.", null);
      }
      page.render(ctx, viewer);
    }));
  }

  /** The signed-in user, the demo's anonymous viewer, or null (must sign in). */
  Viewer viewer(Context ctx) {
    Sessions.Session s = sessions.find(ctx.cookie(Sessions.COOKIE));
    if (s != null) {
      return new Viewer(s.name(), s.role(), s);
    }
    return demo ? new Viewer("anonymous", ServerSettings.Role.VIEWER, null) : null;
  }

  /** The session behind a request's cookie, for API reads from the dashboard (downloads). */
  Sessions.Session session(Context ctx) {
    return sessions.find(ctx.cookie(Sessions.COOKIE));
  }

  private interface Action {
    void run() throws Exception;
  }

  private void safe(Context ctx, Action action) {
    headers(ctx);
    try {
      action.run();
    } catch (ApiError e) {
      error(ctx, e.status, e.getMessage());
    } catch (StoreException e) {
      LOG.log(System.Logger.Level.WARNING, ctx.method() + " " + ctx.path() + ": " + e);
      error(ctx, 503, e.unavailable() ? "The database is unavailable; try again shortly."
          : "The database refused the request.");
    } catch (Exception e) {
      LOG.log(System.Logger.Level.ERROR, ctx.method() + " " + ctx.path() + " failed", e);
      error(ctx, 500, "Internal error; the server log has the details.");
    }
  }

  private static void headers(Context ctx) {
    ctx.header("Cache-Control", "no-store");
    ctx.header("X-Content-Type-Options", "nosniff");
    ctx.header("Content-Security-Policy", CSP);
    ctx.header("Referrer-Policy", "same-origin");
    ctx.header("X-Frame-Options", "DENY");
  }

  private void error(Context ctx, int status, String message) {
    Viewer viewer = null;
    try {
      viewer = viewer(ctx);
    } catch (RuntimeException ignored) {
      // the error page renders without the user
    }
    Html h = new Html();
    h.raw("<p class=\"error\" role=\"alert\">").text(message).raw("</p>");
    if (status == 403 && (viewer == null || viewer.session() == null)) {
      h.raw("<p>").link("/signin", "Sign in").raw("</p>");
    }
    h.raw("<p>").link("/", "Back to the overview").raw("</p>");
    ctx.status(status);
    ctx.contentType("text/html; charset=utf-8");
    ctx.result(pages.layout(viewer, null, status + " " + reason(status), h.toString(), ""));
  }

  private static String reason(int status) {
    return switch (status) {
      case 400 -> "Bad request";
      case 401 -> "Not signed in";
      case 403 -> "Forbidden";
      case 404 -> "Not found";
      case 503 -> "Unavailable";
      default -> "Error";
    };
  }

  private void asset(Context ctx) {
    byte[] body = assets.get(ctx.pathParam("file"));
    if (body == null) {
      headers(ctx);
      error(ctx, 404, "No such asset.");
      return;
    }
    ctx.header("X-Content-Type-Options", "nosniff");
    ctx.header("Cache-Control", "public, max-age=3600");
    ctx.contentType(ASSETS.get(ctx.pathParam("file")));
    ctx.result(body);
  }

  // Sign-in

  private void signInForm(Context ctx, String problem, int status) {
    String next = safeNext(ctx.queryParam("next") != null ? ctx.queryParam("next")
        : ctx.formParam("next"));
    Html h = new Html();
    if (problem != null) {
      h.raw("<p class=\"error\" role=\"alert\" id=\"signin-error\">").text(problem).raw("</p>");
    }
    h.raw("<form method=\"post\" action=\"/signin\" class=\"signin\">");
    h.raw("<input type=\"hidden\" name=\"next\"").attr("value", next).raw(">");
    h.raw("<label for=\"token\">API token</label>");
    h.raw("<input id=\"token\" name=\"token\" type=\"password\" autocomplete=\"off\" required");
    if (problem != null) {
      h.raw(" aria-describedby=\"signin-error\" aria-invalid=\"true\"");
    }
    h.raw(">");
    h.raw("<p class=\"hint\">A viewer or admin token of the server's configuration"
        + " (<code>server.tokens</code>). Viewers read; admins also manage exceptions.</p>");
    h.raw("<button type=\"submit\">Sign in</button></form>");
    if (demo) {
      h.raw("<p>Demo mode: you can also ").link("/", "look around without signing in")
          .raw(".</p>");
    }
    ctx.status(status);
    ctx.contentType("text/html; charset=utf-8");
    ctx.result(pages.layout(viewer(ctx), null, "Sign in", h.toString(), ""));
  }

  private void signIn(Context ctx) {
    String token = ctx.formParam("token");
    ApiServer.Auth.Caller caller = token == null || token.isBlank() ? null
        : auth.authenticate("Bearer " + token);
    if (caller == null || caller.anonymous()) {
      signInForm(ctx, "That token is not valid.", 401);
      return;
    }
    sessions.remove(ctx.cookie(Sessions.COOKIE));
    Sessions.Session s = sessions.create(caller.name(), caller.role());
    Cookie cookie = new Cookie(Sessions.COOKIE, s.id(), "/", (int) Sessions.IDLE.toSeconds(),
        secure, true, null, SameSite.STRICT);
    ctx.cookie(cookie);
    ctx.redirect(safeNext(ctx.formParam("next")), io.javalin.http.HttpStatus.SEE_OTHER);
  }

  private void signOut(Context ctx) {
    Sessions.Session s = sessions.find(ctx.cookie(Sessions.COOKIE));
    if (s != null && !Sessions.csrfMatches(s, ctx.formParam("csrf"))) {
      throw new ApiError(403, "The form's CSRF token is missing or stale.", null);
    }
    if (s != null) {
      sessions.remove(s.id());
    }
    Cookie gone = new Cookie(Sessions.COOKIE, "", "/", 0, secure, true, null,
        SameSite.STRICT);
    ctx.cookie(gone);
    ctx.redirect(demo ? "/" : "/signin", io.javalin.http.HttpStatus.SEE_OTHER);
  }

  /** Only a path of this site: no scheme, no host, no {@code //}. */
  static String safeNext(String next) {
    if (next == null || !next.startsWith("/") || next.startsWith("//") || next.startsWith("/\\")
        || next.chars().anyMatch(c -> c < 0x20)) {
      return "/";
    }
    return next;
  }
}
