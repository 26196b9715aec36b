package dev.plumbline.server;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * A small HTML writer for the dashboard: {@link #text} and {@link #attr} escape, {@link #raw}
 * takes markup written in this code base only. Never pass stored or request data to raw.
 */
final class Html {
  private final StringBuilder out = new StringBuilder(8192);

  /** Markup from this code base (tags, fixed text). */
  Html raw(String markup) {
    out.append(markup);
    return this;
  }

  /** Text content, escaped. */
  Html text(Object value) {
    out.append(escape(value == null ? "" : String.valueOf(value)));
    return this;
  }

  /** {@code name="value"} with a leading space, value escaped. */
  Html attr(String name, Object value) {
    out.append(' ').append(name).append("=\"").append(escape(String.valueOf(value))).append('"');
    return this;
  }

  /** {@code <tag attrs>text</tag>}, the text escaped. */
  Html el(String tag, Object text) {
    out.append('<').append(tag).append('>').append(escape(text == null ? "" : text.toString()))
        .append("</").append(tag).append('>');
    return this;
  }

  /** A link: {@code <a href="url">text</a>}, both escaped. */
  Html link(String href, Object text) {
    out.append("<a");
    attr("href", href);
    out.append('>');
    text(text);
    out.append("</a>");
    return this;
  }

  @Override
  public String toString() {
    return out.toString();
  }

  static String escape(String s) {
    StringBuilder b = null;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      String rep = switch (c) {
        case '<' -> "&lt;";
        case '>' -> "&gt;";
        case '&' -> "&amp;";
        case '"' -> "&quot;";
        case '\'' -> "&#39;";
        default -> null;
      };
      if (rep != null) {
        if (b == null) {
          b = new StringBuilder(s.length() + 16).append(s, 0, i);
        }
        b.append(rep);
      } else if (b != null) {
        b.append(c);
      }
    }
    return b == null ? s : b.toString();
  }

  /** A URL path with query parameters (null and empty values left out), each encoded. */
  static String url(String path, Map<String, ?> params) {
    StringBuilder b = new StringBuilder(path);
    char sep = path.indexOf('?') >= 0 ? '&' : '?';
    for (Map.Entry<String, ?> e : params.entrySet()) {
      if (e.getValue() == null || e.getValue().toString().isEmpty()) {
        continue;
      }
      b.append(sep).append(enc(e.getKey())).append('=').append(enc(e.getValue().toString()));
      sep = '&';
    }
    return b.toString();
  }

  /** One URL path segment or query value, percent-encoded. */
  static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }
}
