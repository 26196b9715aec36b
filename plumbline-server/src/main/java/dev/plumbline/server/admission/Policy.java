package dev.plumbline.server.admission;

import dev.plumbline.control.Control;
import dev.plumbline.server.admission.AdmissionSettings.Action;
import dev.plumbline.server.admission.AdmissionSettings.NamespaceRule;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The action of a failing control in a namespace. The most specific scope decides: the first
 * namespace rule that matches, then the top-level settings; within a scope, the control's own
 * action, then the strictest action of its frameworks, then the scope's action.
 */
final class Policy {
  private static final int MAX_CACHED_NAMESPACES = 10_000;

  private final AdmissionSettings settings;
  private final Map<String, Set<String>> frameworksOf;
  private final Map<String, Map<String, Action>> cache = new ConcurrentHashMap<>();

  /**
   * @param frameworksOf the ids of the frameworks each control belongs to, by control id
   */
  Policy(AdmissionSettings settings, Map<String, Set<String>> frameworksOf) {
    this.settings = settings;
    this.frameworksOf = frameworksOf;
  }

  Action action(Control control, String namespace) {
    Map<String, Action> byControl = cache.get(namespace);
    if (byControl == null) {
      if (cache.size() > MAX_CACHED_NAMESPACES) {
        cache.clear();
      }
      byControl = cache.computeIfAbsent(namespace, n -> new ConcurrentHashMap<>());
    }
    Action a = byControl.get(control.id());
    if (a == null) {
      a = resolve(control, namespace);
      byControl.put(control.id(), a);
    }
    return a;
  }

  /** Whether a control is judged in some namespace (not off everywhere). */
  boolean everOn(Control control) {
    List<Action> candidates = new ArrayList<>();
    candidates.add(resolve(control, null));
    for (NamespaceRule rule : settings.namespaces()) {
      candidates.add(scope(control, rule.controls(), rule.frameworks(), rule.action()));
    }
    return candidates.stream().anyMatch(a -> a != null && a != Action.OFF);
  }

  private Action resolve(Control control, String namespace) {
    if (namespace != null) {
      for (NamespaceRule rule : settings.namespaces()) {
        if (rule.matches(namespace)) {
          Action a = scope(control, rule.controls(), rule.frameworks(), rule.action());
          if (a != null) {
            return a;
          }
        }
      }
    }
    return scope(control, settings.controls(), settings.frameworks(), settings.action());
  }

  private Action scope(Control control, Map<String, Action> controls,
      Map<String, Action> frameworks, Action otherwise) {
    Action own = controls.get(control.id());
    if (own == null) {
      for (String alias : control.aliases()) {
        own = own == null ? controls.get(alias) : own;
      }
    }
    if (own != null) {
      return own;
    }
    Action strictest = null;
    for (String framework : frameworksOf.getOrDefault(control.id(), Set.of())) {
      Action f = frameworks.get(framework);
      if (f != null && (strictest == null || f.compareTo(strictest) > 0)) {
        strictest = f;
      }
    }
    return strictest != null ? strictest : otherwise;
  }
}
