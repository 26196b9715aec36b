package dev.plumbline.control;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class SecretsTest {
  // Test values are assembled at run time so that no secret scanner mistakes this file for a leak.
  private static final String GITHUB_TOKEN = "ghp_" + "a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8";
  private static final String AWS_KEY_ID = "AKIA" + "IOSFODNN7EXAMPLE";
  private static final String PRIVATE_KEY = "-----BEGIN RSA " + "PRIVATE KEY-----\n"
      + "MIIEowIBAAKCAQEA0Z3VS5JJcds3xfn/ygWyF8PbnGy0AHB7MhgHcTz6sE2I2yPB\n"
      + "-----END RSA " + "PRIVATE KEY-----\n";
  private static final String CERTIFICATE = """
      -----BEGIN CERTIFICATE-----
      MIIDBTCCAe2gAwIBAgIIYV5Q8nBZ7eowDQYJKoZIhvcNAQELBQAwFTETMBEGA1UE
      AxMKa3ViZXJuZXRlczAeFw0yNDAxMTUxMDAwMDBaFw0zNDAxMTIxMDA1MDBaMBUx
      EzARBgNVBAMTCmt1YmVybmV0ZXMwggEiMA0GCSqGSIb3DQEBAQUAA4IBDwAwggEK
      %s
      -----END CERTIFICATE-----
      """.formatted("+" + AWS_KEY_ID + "+Z3VS5JJcds3xfn/ygWyF8PbnGy0AHB7MhgHcTz6sE2");

  @Test
  void recognisesTokensOfKnownFormats() {
    assertThat(Secrets.kindOf(GITHUB_TOKEN)).isEqualTo("GitHub token");
    assertThat(Secrets.kindOf(AWS_KEY_ID)).isEqualTo("AWS access key id");
    assertThat(Secrets.kindOf(PRIVATE_KEY)).isEqualTo("private key on line 1");
    assertThat(Secrets.kindOf("https://hooks.slack.com/services/T0123ABCD/B0456EFGH/"
        + "abcdefghijklmnopqrstuvwx")).isEqualTo("Slack webhook URL");
  }

  @Test
  void aCaCertificateIsNotASecret() {
    // kube-root-ca.crt and CA bundles hold certificates: public data, even if a line of base64
    // happens to look like a token.
    assertThat(Secrets.kindOf(CERTIFICATE)).isEmpty();
    assertThat(Secrets.kindOf(CERTIFICATE.replace("-----BEGIN CERTIFICATE-----", "")))
        .as("the same base64 outside a certificate").startsWith("AWS access key id");
    assertThat(Secrets.kindOf(CERTIFICATE + CERTIFICATE)).isEmpty();
    assertThat(Secrets.kindOf("-----BEGIN PUBLIC KEY-----\nMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE"
        + "\n-----END PUBLIC KEY-----\n")).isEmpty();
    assertThat(Secrets.kindOf(CERTIFICATE + PRIVATE_KEY)).isEqualTo("private key on line 7");
  }

  @Test
  void looksInsideBase64AsAWholeAndForEncodedPemBlocksInsideFiles() {
    String encoded = b64("token: " + GITHUB_TOKEN);
    assertThat(Secrets.kindOf(encoded)).isEqualTo("base64-encoded GitHub token");
    String kubeconfig = """
        apiVersion: v1
        kind: Config
        clusters:
        - cluster:
            certificate-authority-data: %s
            server: https://10.0.0.1:6443
          name: prod
        users:
        - name: admin
          user:
            client-certificate-data: %s
            client-key-data: %s
        """.formatted(b64(CERTIFICATE), b64(CERTIFICATE), b64(PRIVATE_KEY));
    assertThat(Secrets.kindOf(kubeconfig)).isEqualTo("base64-encoded private key on line 12");
    assertThat(Secrets.kindOf(kubeconfig.replace(b64(PRIVATE_KEY), "REDACTED"))).isEmpty();
  }

  @Test
  void springPropertiesWithPlaceholdersAreClean() {
    String properties = """
        # Datasource: the password comes from the environment
        spring.datasource.url=jdbc:postgresql://orders-db:5432/orders
        spring.datasource.username=orders
        spring.datasource.password=${DB_PASSWORD}
        spring.security.oauth2.client.registration.github.client-secret=${GITHUB_SECRET}
        spring.security.oauth2.client.provider.keycloak.token-uri=https://sso.example.com/token
        server.ssl.key-store-password=${KEYSTORE_PASSWORD:}
        jwt.token.validity-seconds=3600
        management.endpoint.env.keys-to-sanitize=password,secret,token
        logging.level.org.springframework.security=INFO
        """;
    assertThat(Secrets.kindOf(properties)).isEmpty();
    assertThat(Secrets.kindOf(properties.replace("${DB_PASSWORD}", "0rders-Pr0d!")))
        .isEqualTo("'spring.datasource.password' set to a literal value on line 4");
  }

  @Test
  void applicationYamlFindsNestedCredentialKeys() {
    String yaml = """
        spring:
          datasource:
            url: jdbc:postgresql://orders-db:5432/orders
            username: orders
            password: "{{ .Values.db.password }}"
          redis:
            password: $(REDIS_PASSWORD)
        app:
          existingSecret: orders-db
          secretName: orders-tls
          passwordFile: /run/secrets/db
          tokenTtl: 15m
          apiKey: "s3cr3t-api-key-2024"
        """;
    assertThat(Secrets.kindOf(yaml)).isEqualTo("'apiKey' set to a literal value on line 13");
  }

  @Test
  void nginxConfigIsCleanUnlessItCarriesACredential() {
    String nginx = """
        worker_processes auto;
        events { worker_connections 1024; }
        http {
          server {
            listen 443 ssl;
            ssl_certificate     /etc/nginx/tls/tls.crt;
            ssl_certificate_key /etc/nginx/tls/tls.key;
            auth_basic "Restricted";
            auth_basic_user_file /etc/nginx/htpasswd;
            location /api/ {
              proxy_pass http://orders-api:8080;
              proxy_set_header Authorization $http_authorization;
              proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            }
          }
        }
        """;
    assertThat(Secrets.kindOf(nginx)).isEmpty();
    assertThat(Secrets.kindOf(nginx.replace("$http_authorization",
        "\"Basic b3JkZXJzOmh1bnRlcjJodW50ZXIy\""))).isEqualTo("Authorization header on line 12");
    assertThat(Secrets.kindOf(nginx.replace("http://orders-api:8080",
        "http://svc:Tr0ub4dor@orders-api:8080"))).isEqualTo("password in URL on line 11");
  }

  @Test
  void prometheusConfigReferencesFilesAndIsClean() {
    String prometheus = """
        global:
          scrape_interval: 30s
        scrape_configs:
          - job_name: kubernetes-apiservers
            kubernetes_sd_configs:
              - role: endpoints
            scheme: https
            tls_config:
              ca_file: /var/run/secrets/kubernetes.io/serviceaccount/ca.crt
            bearer_token_file: /var/run/secrets/kubernetes.io/serviceaccount/token
            relabel_configs:
              - source_labels: [__meta_kubernetes_namespace, __meta_kubernetes_service_name]
                action: keep
                regex: default;kubernetes
          - job_name: blackbox
            basic_auth:
              username: prometheus
              password_file: /etc/prometheus/secrets/blackbox-password
        remote_write:
          - url: https://metrics.example.com/api/v1/write
            authorization:
              type: Bearer
              credentials_file: /etc/prometheus/secrets/remote-write-token
        """;
    assertThat(Secrets.kindOf(prometheus)).isEmpty();
    assertThat(Secrets.kindOf(prometheus.replace("credentials_file: /etc/prometheus/secrets/"
        + "remote-write-token", "credentials: 9f8e7d6c5b4a39281706")))
        .isEqualTo("'credentials' set to a literal value on line 23");
    assertThat(Secrets.kindOf(prometheus.replace("password_file: /etc/prometheus/secrets/"
        + "blackbox-password", "password: bl4ckb0x")))
        .isEqualTo("'password' set to a literal value on line 18");
  }

  @Test
  void promQlMatchersAreNotAssignments() {
    assertThat(Secrets.kindOf("expr: sum(kube_secret_info{secret=~\".*-tls\"}) by (namespace)\n"
        + "expr2: up{token!=\"\"} == 0\n")).isEmpty();
  }

  @Test
  void grafanaIniSkipsCommentsAndFindsLiteralPasswords() {
    String ini = """
        [server]
        root_url = https://grafana.example.com
        [security]
        admin_user = admin
        ;admin_password = admin
        disable_gravatar = true
        cookie_secure = true
        [auth]
        login_maximum_inactive_lifetime_duration = 7d
        token_rotation_interval_minutes = 10
        api_key_max_seconds_to_live = -1
        [auth.generic_oauth]
        client_id = grafana
        client_secret = $__file{/etc/secrets/oauth/client_secret}
        [database]
        password = ${GF_DATABASE_PASSWORD}
        """;
    assertThat(Secrets.kindOf(ini)).isEmpty();
    assertThat(Secrets.kindOf(ini.replace(";admin_password = admin",
        "admin_password = Gr4fana!"))).isEqualTo("'admin_password' set to a literal value on line 5");
    assertThat(Secrets.kindOf(ini + "[remote_cache]\ntype = redis\n"
        + "connstr = addr=redis:6379,pool_size=100,db=0,password=r3dis-pw\n"))
        .isEqualTo("'password' set to a literal value on line 19");
  }

  @Test
  void connectionStringsFlagsAndRedisDirectives() {
    assertThat(Secrets.kindOf("Server=sql;Database=orders;User Id=sa;Password=P@ssw0rd1;"))
        .isEqualTo("'Password' set to a literal value");
    assertThat(Secrets.kindOf("-Xmx512m -Dspring.datasource.password=hunter22 -Dx=y"))
        .isEqualTo("'spring.datasource.password' set to a literal value");
    assertThat(Secrets.kindOf("--db-host=db --db-password=hunter22"))
        .isEqualTo("'db-password' set to a literal value");
    assertThat(Secrets.kindOf("bind 0.0.0.0\nport 6379\nrequirepass foobared42\n"))
        .isEqualTo("'requirepass' set to a literal value on line 3");
    assertThat(Secrets.kindOf("https://api.example.com/v1/items?limit=10&api_key=8f7e6d5c4b3a"))
        .isEqualTo("'api_key' set to a literal value");
    assertThat(Secrets.kindOf("{\"user\": \"orders\", \"password\": \"s3cr3t!!\"}"))
        .isEqualTo("'password' set to a literal value");
    assertThat(Secrets.kindOf("<config>\n  <password>s3cr3t!!</password>\n</config>"))
        .isEqualTo("'password' set to a literal value on line 2");
    assertThat(Secrets.kindOf("DATABASE_DSN=orders:Tr0ub4dor@tcp(mysql:3306)/orders"))
        .isEqualTo("password in DSN");
    assertThat(Secrets.kindOf("Server=sql;Database=orders;Integrated Security=true;")).isEmpty();
    assertThat(Secrets.kindOf("env:\n  - DB_PASSWORD=hunter22\n"))
        .isEqualTo("'DB_PASSWORD' set to a literal value on line 2");
  }

  @Test
  void passwordsInUrlsMustBeLiterals() {
    assertThat(Secrets.kindOf("redis://:s3cr3tpw@redis:6379/0")).isEqualTo("password in URL");
    assertThat(Secrets.kindOf("postgres://app:${DB_PASSWORD}@db:5432/app")).isEmpty();
    assertThat(Secrets.kindOf("https://oauth2:$(GITLAB_TOKEN)@gitlab.example.com/x.git"))
        .isEmpty();
    assertThat(Secrets.kindOf("mongodb://user:<password>@mongo:27017")).isEmpty();
    assertThat(Secrets.kindOf("# example: postgres://user:password@host/db\nurl: ${URL}\n"))
        .as("an example in a comment").isEmpty();
    assertThat(Secrets.kindOf("git@github.com:example/repo.git")).isEmpty();
  }

  @Test
  void commentedOutTokensOfKnownFormatsAreStillReported() {
    assertThat(Secrets.kindOf("# old token: " + GITHUB_TOKEN + "\ntoken_file: /x\n"))
        .isEqualTo("GitHub token on line 1");
  }

  @Test
  void credentialNamesEndWithACredentialWord() {
    for (String name : new String[] {"DB_PASSWORD", "PGPASSWORD", "MYSQL_PWD", "DB_PASS",
        "apiKey", "x-api-key", "client-secret", "clientSecret", "GITHUB_TOKEN", "TOKEN_2",
        "AWS_SECRET_ACCESS_KEY", "SECRET_KEY_BASE", "spring.datasource.password", "password.txt",
        "credentials.json", "AccountKey", "jwt.secret", "API_KEY_PROD", "password1"}) {
      assertThat(Secrets.credentialName(name)).as(name).isTrue();
    }
    for (String name : new String[] {"PASSWORD_FILE", "TOKEN_URL", "tokenUrl", "password_min_length",
        "PASSWORD_REQUIRED", "existingSecret", "secretName", "secretKeyRef", "AWS_ACCESS_KEY_ID",
        "token_rotation_interval_minutes", "ACCESS_TOKEN_EXPIRE_MINUTES", "bearer_token_file",
        "tokenizer", "bypass", "keys-to-sanitize", "password-policy.json", "ssl_certificate_key",
        "secrets", "key", "", "TOKEN_AUDIENCE", "SENTRY_DSN", "ConnectionString"}) {
      assertThat(Secrets.credentialName(name)).as(name).isFalse();
    }
    assertThat(Secrets.credentialName(null)).isFalse();
  }

  @Test
  void literalValuesAreNotPlaceholdersPathsOrFlags() {
    for (String v : new String[] {"hunter2", "\"s3cr3t\"", "changeme", "P@ss w0rd", "1234567",
        "admin"}) {
      assertThat(Secrets.literalValue(v)).as(v).isTrue();
    }
    for (String v : new String[] {"", "  ", "ab", "\"\"", "true", "False", "null", "~", "3600",
        "-1", "****", "xxxxxxxx", "/run/secrets/db", "./pw.txt", "DB_PASSWORD", "${DB_PASSWORD}",
        "${DB_PASSWORD:changeme}", "$(DB_PASSWORD)", "$DB_PASSWORD", "{{ .Values.password }}",
        "'{{ .Values.password }}'", "<password>", "ENC(G6N718UuyPE5bHyWKyuLQSm02auQPUtm)",
        "{cipher}AQB8fe4a", "vault:secret/data/db#password", "process.env.DB_PASSWORD",
        "os.environ['DB_PASSWORD']", "$__file{/etc/secrets/pw}", "@db.password@", "*defaults",
        "!vault"}) {
      assertThat(Secrets.literalValue(v)).as(v).isFalse();
    }
    assertThat(Secrets.literalValue(null)).isFalse();
  }

  @Test
  void redactShowsAtMostAPrefixAndTheLength() {
    assertThat(Secrets.redact(GITHUB_TOKEN)).isEqualTo("ghp_…(40 characters)");
    assertThat(Secrets.redact("hunter22")).isEqualTo("hu…(8 characters)");
    assertThat(Secrets.redact("pw")).isEqualTo("…(2 characters)");
    assertThat(Secrets.redact(null)).isEmpty();
  }

  @Test
  void shortAndOrdinaryValuesAreNotCredentials() {
    assertThat(Secrets.kindOf(null)).isEmpty();
    assertThat(Secrets.kindOf("short")).isEmpty();
    assertThat(Secrets.kindOf("INFO")).isEmpty();
    assertThat(Secrets.kindOf("https://orders.example.com/api")).isEmpty();
    assertThat(Secrets.kindOf("dGhpcyBpcyBqdXN0IHNvbWUgdGV4dA==")).isEmpty();
  }

  private static String b64(String s) {
    return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
  }
}
