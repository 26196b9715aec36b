package dev.plumbline.server;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * How the API server listens and whom it lets in.
 *
 * @param host the address to bind ({@code 0.0.0.0} for every interface)
 * @param port the port; 0 for any free port ({@link ApiServer#port()} tells which)
 * @param tls TLS material; null to serve plain HTTP
 * @param tokens the bearer tokens the API accepts
 * @param demo whether requests without a token may read (as a viewer); writes still need an
 *     admin token
 * @param maxBodyBytes the largest request body accepted
 */
public record ServerSettings(String host, int port, Tls tls, List<ApiToken> tokens, boolean demo,
    long maxBodyBytes) {

  /** The default limit of a request body: 64 KiB (an exception is a few hundred bytes). */
  public static final long DEFAULT_MAX_BODY = 64 * 1024;

  public ServerSettings {
    host = host == null || host.isBlank() ? "0.0.0.0" : host;
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port must be 0 to 65535: " + port);
    }
    tokens = List.copyOf(tokens);
    if (maxBodyBytes <= 0) {
      maxBodyBytes = DEFAULT_MAX_BODY;
    }
  }

  /** Plain HTTP on a host and port with these tokens, no demo access. */
  public static ServerSettings of(String host, int port, List<ApiToken> tokens) {
    return new ServerSettings(host, port, null, tokens, false, DEFAULT_MAX_BODY);
  }

  public ServerSettings withTls(Tls value) {
    return new ServerSettings(host, port, value, tokens, demo, maxBodyBytes);
  }

  public ServerSettings withDemo(boolean value) {
    return new ServerSettings(host, port, tls, tokens, value, maxBodyBytes);
  }

  /** What a token may do. */
  public enum Role {
    /** Read everything. */
    VIEWER,
    /** Read everything and change exceptions. */
    ADMIN;

    public boolean mayWrite() {
      return this == ADMIN;
    }
  }

  /**
   * A bearer token.
   *
   * @param name who holds it; the actor recorded in the exceptions' audit trail
   * @param token the secret
   * @param role what it may do
   */
  public record ApiToken(String name, String token, Role role) {
    public ApiToken {
      if (name == null || name.isBlank()) {
        throw new IllegalArgumentException("token name: required");
      }
      if (token == null || token.isBlank()) {
        throw new IllegalArgumentException("token '" + name + "': the token is empty");
      }
      Objects.requireNonNull(role, "role");
    }

    @Override
    public String toString() {
      return "ApiToken[" + name + ", " + role + "]";
    }
  }

  /**
   * TLS material: a PEM certificate chain and PKCS#8 private key, or a PKCS#12 keystore.
   *
   * @param certificate PEM certificate chain (leaf first); null when a keystore is used
   * @param privateKey PEM private key ({@code BEGIN PRIVATE KEY}, PKCS#8, RSA or EC)
   * @param keystore PKCS#12 keystore; null when PEM files are used
   * @param keystorePassword the keystore's password (may be empty)
   */
  public record Tls(Path certificate, Path privateKey, Path keystore, String keystorePassword) {
    public Tls {
      boolean pem = certificate != null || privateKey != null;
      if (pem && keystore != null) {
        throw new IllegalArgumentException("tls: give either certificate and key or a keystore");
      }
      if (pem && (certificate == null || privateKey == null)) {
        throw new IllegalArgumentException("tls: both certificate and key are required");
      }
      if (!pem && keystore == null) {
        throw new IllegalArgumentException("tls: certificate and key, or keystore, required");
      }
      keystorePassword = keystorePassword == null ? "" : keystorePassword;
    }

    public static Tls pem(Path certificate, Path privateKey) {
      return new Tls(certificate, privateKey, null, null);
    }

    public static Tls pkcs12(Path keystore, String password) {
      return new Tls(null, null, keystore, password);
    }

    @Override
    public String toString() {
      return keystore != null ? "Tls[keystore=" + keystore + "]"
          : "Tls[certificate=" + certificate + ", key=" + privateKey + "]";
    }
  }
}
