package dev.plumbline.control;

import static org.assertj.core.api.Assertions.assertThat;

import dev.plumbline.resource.Origin;
import dev.plumbline.resource.Resource;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class InventoryTest {
  private static Resource object(String kind, String namespace, String name, String tag) {
    Map<String, Object> metadata = new LinkedHashMap<>();
    metadata.put("name", name);
    if (namespace != null) {
      metadata.put("namespace", namespace);
    }
    metadata.put("labels", Map.of("tag", tag));
    metadata.put("annotations", null); // as a manifest may hold it; expressions never see it
    Map<String, Object> object = new LinkedHashMap<>();
    object.put("apiVersion", "v1");
    object.put("kind", kind);
    object.put("metadata", metadata);
    return Resource.of(object, Origin.file("f.yaml", 0, 1));
  }

  private static List<String> tags(List<Object> objects) {
    return objects.stream().map(o -> (String) ((Map<?, ?>) ((Map<?, ?>) ((Map<?, ?>) o)
        .get("metadata")).get("labels")).get("tag")).toList();
  }

  @Test
  void listsByKindAndNamespaceInInputOrderWithoutNullFields() {
    Inventory inv = Inventory.of(List.of(object("Pod", "b", "p1", "1"),
        object("Pod", "a", "p2", "2"), object("Pod", "b", "p3", "3"),
        object("Namespace", null, "a", "4")));

    assertThat(tags(inv.list("Pod", "b"))).containsExactly("1", "3");
    assertThat(tags(inv.list("Pod"))).containsExactly("2", "1", "3"); // namespaces sorted
    assertThat(tags(inv.list("Namespace", ""))).containsExactly("4");
    assertThat(tags(inv.list("Namespace", null))).containsExactly("4");
    assertThat(inv.list("Service")).isEmpty();
    assertThat(inv.list("Pod", "c")).isEmpty();
    Map<?, ?> metadata = (Map<?, ?>) ((Map<?, ?>) inv.list("Pod", "a").get(0)).get("metadata");
    assertThat(metadata.containsKey("annotations")).isFalse();
  }

  @Test
  void keepsTwoObjectsOfOneName() {
    // Manifests may hold the same object twice (two overlays); a scan judges both.
    Inventory inv = Inventory.of(List.of(object("Pod", "a", "p", "1"),
        object("Pod", "a", "p", "2")));

    assertThat(tags(inv.list("Pod", "a"))).containsExactly("1", "2");
  }

  @Test
  void withReplacesAddsAndRemovesAndLeavesTheOriginalAlone() {
    Inventory before = Inventory.of(List.of(object("Pod", "a", "p1", "1"),
        object("Pod", "a", "p2", "2"), object("Pod", "b", "p3", "3")));
    assertThat(tags(before.list("Pod"))).containsExactly("1", "2", "3");

    Inventory after = before.with(
        List.of(object("Pod", "a", "p1", "1b"), object("Pod", "c", "p4", "4"),
            object("NetworkPolicy", "a", "deny", "5")),
        List.of(object("Pod", "b", "p3", "3")));

    assertThat(tags(after.list("Pod", "a"))).containsExactly("1b", "2"); // replaced in place
    assertThat(after.list("Pod", "b")).isEmpty();
    assertThat(tags(after.list("Pod"))).containsExactly("1b", "2", "4");
    assertThat(tags(after.list("NetworkPolicy", "a"))).containsExactly("5");
    assertThat(tags(before.list("Pod"))).containsExactly("1", "2", "3");
    assertThat(before.list("NetworkPolicy")).isEmpty();
    assertThat(before.with(List.of(), List.of())).isSameAs(before);
  }

  @Test
  void derivedIndexesAreBuiltAgainForTheChangedInventory() {
    Inventory before = Inventory.of(List.of(object("Pod", "a", "p1", "1")));
    assertThat(before.<Integer>derived("count", inv -> inv.list("Pod").size())).isEqualTo(1);

    Inventory after = before.with(List.of(object("Pod", "a", "p2", "2")), List.of());

    assertThat(after.<Integer>derived("count", inv -> inv.list("Pod").size())).isEqualTo(2);
    assertThat(before.<Integer>derived("count", inv -> -1)).isEqualTo(1);
  }
}
