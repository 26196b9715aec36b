package dev.plumbline.server;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The dashboard's sign-in sessions: an API token is checked once at sign-in; the browser then
 * holds only a random session id (HttpOnly, SameSite=Strict cookie). Each session has its own
 * CSRF token, which every POST form carries. Sessions live in memory: a restart signs everyone
 * out.
 */
final class Sessions {
  static final String COOKIE = "plumbline_session";
  static final Duration IDLE = Duration.ofHours(8);
  private static final int MAX_SESSIONS = 10_000;

  /** A signed-in user. */
  record Session(String id, String name, ServerSettings.Role role, String csrf,
      Instant expires) {}

  private final Map<String, Session> byId = new ConcurrentHashMap<>();
  private final SecureRandom random = new SecureRandom();
  private final Clock clock;

  Sessions(Clock clock) {
    this.clock = clock;
  }

  Session create(String name, ServerSettings.Role role) {
    Instant now = clock.instant();
    if (byId.size() >= MAX_SESSIONS) {
      byId.values().removeIf(s -> !s.expires().isAfter(now));
      if (byId.size() >= MAX_SESSIONS) {
        // the oldest session goes: a flood of sign-ins cannot grow memory without bound
        byId.values().stream().min(java.util.Comparator.comparing(Session::expires))
            .ifPresent(s -> byId.remove(s.id()));
      }
    }
    Session s = new Session(randomToken(), name, role, randomToken(), now.plus(IDLE));
    byId.put(s.id(), s);
    return s;
  }

  /** The live session of a cookie value; null when unknown or expired. */
  Session find(String id) {
    if (id == null || id.isEmpty()) {
      return null;
    }
    Session s = byId.get(id);
    if (s == null) {
      return null;
    }
    Instant now = clock.instant();
    if (!s.expires().isAfter(now)) {
      byId.remove(id);
      return null;
    }
    return s;
  }

  void remove(String id) {
    if (id != null) {
      byId.remove(id);
    }
  }

  /** Whether a form's CSRF token is the session's (constant time). */
  static boolean csrfMatches(Session s, String given) {
    return s != null && given != null && MessageDigest.isEqual(
        s.csrf().getBytes(StandardCharsets.UTF_8), given.getBytes(StandardCharsets.UTF_8));
  }

  private String randomToken() {
    byte[] b = new byte[32];
    random.nextBytes(b);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
  }
}
