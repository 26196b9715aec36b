package dev.plumbline.control;

import static org.assertj.core.api.Assertions.assertThat;

import dev.plumbline.resource.ManifestReader;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonTest {
  private static Map<String, Object> read(String yaml) {
    ManifestReader.Result r = new ManifestReader().readString("t.yaml", yaml);
    assertThat(r.errors()).isEmpty();
    return r.resources().get(0).object();
  }

  @Test
  void nullFieldsGoAtEveryDepthAndListItemsStay() {
    Map<String, Object> object = read("""
        apiVersion: v1
        kind: Pod
        metadata: {name: p, labels: ~}
        spec:
          containers:
            - name: a
              securityContext: {privileged: null, runAsUser: 0}
              args: [x, null]
        """);
    Object clean = Json.withoutNullFields(object);
    assertThat(clean).isNotSameAs(object);
    assertThat(Json.brief(clean)).isEqualTo("{\"apiVersion\":\"v1\",\"kind\":\"Pod\","
        + "\"metadata\":{\"name\":\"p\"},\"spec\":{\"containers\":[{\"name\":\"a\","
        + "\"securityContext\":{\"runAsUser\":0},\"args\":[\"x\",null]}]}}");
    assertThat(Json.withoutNullFields(clean)).as("nothing left to drop").isSameAs(clean);
  }

  @Test
  void anObjectWithoutNullFieldsIsNotCopied() {
    Map<String, Object> object = read("""
        apiVersion: v1
        kind: ConfigMap
        metadata: {name: c}
        data: {a: "1", b: ""}
        list: [1, [2, null], {x: y}]
        """);
    assertThat(Json.withoutNullFields(object)).isSameAs(object);
    assertThat(object.values()).hasSize(5);
    assertThat(List.<Object>copyOf(((Map<?, ?>) object.get("data")).values()))
        .containsExactly("1", "");
  }
}
