package dev.plumbline.control;

import dev.plumbline.resource.FieldPath;
import dev.plumbline.resource.Resource;
import dev.plumbline.resource.Workload;
import java.util.Optional;

/**
 * The variables a control's expression sees for one target, and where each sits in the object,
 * so that paths the control names ({@code container.securityContext.privileged}) can be turned
 * into paths in the object ({@code spec.template.spec.containers[1].securityContext.privileged}).
 */
public final class EvalContext {
  final Resource resource;
  final Workload workload;
  final Workload.Container container;
  final Inventory inventory;

  private EvalContext(Resource resource, Workload workload, Workload.Container container,
      Inventory inventory) {
    this.resource = resource;
    this.workload = workload;
    this.container = container;
    this.inventory = inventory;
  }

  public static EvalContext forResource(Resource resource, Inventory inventory) {
    return new EvalContext(resource, null, null, inventory);
  }

  public static EvalContext forPod(Resource resource, Workload workload, Inventory inventory) {
    return new EvalContext(resource, workload, null, inventory);
  }

  public static EvalContext forContainer(Resource resource, Workload workload,
      Workload.Container container, Inventory inventory) {
    return new EvalContext(resource, workload, container, inventory);
  }

  public Resource resource() {
    return resource;
  }

  /** The container this context is about, or null for pod and resource targets. */
  public Workload.Container container() {
    return container;
  }

  Optional<Object> variable(String name) {
    return switch (name) {
      case "object" -> Optional.of(resource.object());
      case "inventory" -> Optional.of(inventory);
      case "podSpec" -> workload == null ? Optional.empty() : Optional.of(workload.spec());
      case "podMetadata" -> workload == null ? Optional.empty() : Optional.of(workload.metadata());
      case "container" -> container == null ? Optional.empty() : Optional.of(container.container());
      case "containerType" -> container == null ? Optional.empty() : Optional.of(container.type());
      default -> Optional.empty();
    };
  }

  /** Where a variable's value sits in the object, or null when it is not a part of it. */
  FieldPath pathOf(String variable) {
    return switch (variable) {
      case "object" -> FieldPath.ROOT;
      case "podSpec" -> workload == null ? null : workload.specPath();
      case "podMetadata" -> workload == null ? null : workload.metadataPath();
      case "container" -> container == null ? null : container.path();
      default -> null;
    };
  }

  /** The value of a variable, for message templates. */
  Object value(String variable) {
    return variable(variable).orElse(null);
  }

  static boolean isPathVariable(String name) {
    return switch (name) {
      case "object", "podSpec", "podMetadata", "container" -> true;
      default -> false;
    };
  }
}
