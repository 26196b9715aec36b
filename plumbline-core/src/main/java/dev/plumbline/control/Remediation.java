package dev.plumbline.control;

import dev.plumbline.resource.FieldPath;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How to fix what a control finds: words for a person and, where a safe automatic change exists,
 * a patch relative to the control's target.
 *
 * <p>Patch semantics are JSON Patch with one convenience: {@code add} creates missing parent
 * objects, so {@code add /securityContext/runAsNonRoot} works on a container with no security
 * context. {@code remove} of a missing field does nothing. A path segment {@code *} stands for
 * every element of the list found there ({@code remove /ports/*}{@code /hostPort} removes the
 * host port of every port), and for nothing when there is no list. {@link #absolute} turns a
 * patch into strict RFC 6902 operations on the whole object, adding the parents explicitly.
 *
 * <p>One operation is not JSON Patch: {@code flag} (value {@code --profiling=false}) sets a
 * command-line flag of the component a container runs, where the flag controls find it
 * ({@code componentFlags}, {@code flagViolation}): it replaces the argument that sets the flag
 * last, in {@code command} or {@code args} ({@code --profiling} or {@code --profiling=true}
 * becomes {@code --profiling=false}; after a bare {@code --audit-log-maxage} only the value item
 * changes), or for etcd the value of the {@code ETCD_*} variable that sets it; when nothing sets
 * it, the argument is appended to {@code args}, or to {@code command} when there are no args.
 * It does not fit a program started by a shell ({@code sh -c "exec kube-apiserver ..."}): see
 * {@link #fits}.
 *
 * <p>A patch need not fit every target: setting {@code allowPrivilegeEscalation: false} on a
 * privileged container gives an object the API server refuses. {@code skipWhen} names those
 * targets: a CEL bool over the same variables as the control's check, evaluated by the scanner
 * for each target with a finding. Where it is true the patch is withheld from that target (the
 * finding stays, for a person to fix; see {@code Finding.patchable()}, the one test every user of
 * patches asks).
 *
 * @param text what to change, in words
 * @param patch the automatic change, empty when there is none
 * @param safe whether the patch can be applied without a person's review
 * @param skipWhen the targets the patch is withheld from, or null when it fits every target
 */
public record Remediation(String text, List<PatchOp> patch, boolean safe, Guard skipWhen) {
  public Remediation {
    patch = List.copyOf(patch);
  }

  /** A remediation whose patch, if any, fits every target. */
  public Remediation(String text, List<PatchOp> patch, boolean safe) {
    this(text, patch, safe, null);
  }

  /** Why a finding gets no patch when {@code skipWhen} holds for its target, for a person. */
  public static final String WITHHELD = "the automatic fix does not fit here (the control's "
      + "remediation.skipWhen holds, the flag to set is in a shell line, or the object is a "
      + "mirror pod): fix it by hand";

  public boolean hasPatch() {
    return !patch.isEmpty();
  }

  /**
   * Applies the patch at each target path of {@code object}, in place.
   *
   * @throws IllegalArgumentException when a path crosses a value that is not an object or list
   */
  public void applyInPlace(Map<String, Object> object, List<FieldPath> targets) {
    for (FieldPath target : targets) {
      for (PatchOp op : patch) {
        for (PatchOp concrete : resolve(object, target, op)) {
          apply(object, concrete.path(), concrete);
        }
      }
    }
  }

  /** A path segment that stands for every element of a list. */
  static final String EVERY = "*";

  /**
   * The concrete paths a patch path names in {@code root}: itself when it has no {@code *}, else
   * one path per list element, last element first (so removing by index stays correct).
   */
  static List<FieldPath> expand(Object root, FieldPath path) {
    List<Object> segments = path.segments();
    int star = segments.indexOf(EVERY);
    if (star < 0) {
      return List.of(path);
    }
    FieldPath prefix = FieldPath.of(segments.subList(0, star).toArray());
    FieldPath rest = FieldPath.of(segments.subList(star + 1, segments.size()).toArray());
    List<FieldPath> paths = new ArrayList<>();
    if (prefix.lookup(root) instanceof List<?> list) {
      for (int i = list.size() - 1; i >= 0; i--) {
        paths.addAll(expand(root, prefix.index(i).concat(rest)));
      }
    }
    return paths;
  }

  /**
   * Whether the patch can be applied at {@code target} of {@code object}: false where a
   * {@code flag} operation finds no argument it may change or add (see the class comment). The
   * scanner withholds the patch from such targets, as it does where {@code skipWhen} holds.
   */
  public boolean fits(Map<String, Object> object, FieldPath target) {
    for (PatchOp op : patch) {
      if (op.op().equals("flag")) {
        try {
          Components.site(target.lookup(object), op.flagName());
        } catch (IllegalArgumentException e) {
          return false;
        }
      }
    }
    return true;
  }

  /**
   * One operation at one target as concrete operations with whole-object paths: {@code *}
   * expanded, {@code flag} turned into the {@code replace} or {@code add} it makes.
   */
  static List<PatchOp> resolve(Object root, FieldPath target, PatchOp op) {
    if (op.op().equals("flag")) {
      Components.FlagSite site = Components.site(target.lookup(root), op.flagName());
      FieldPath at = target.key(site.field()).index(site.index());
      if (site.field().equals("env")) {
        at = at.key("value");
      }
      boolean exists = at.lookup(root) != null;
      return List.of(new PatchOp(exists ? "replace" : "add", at,
          site.valueOnly() ? op.flagValue() : op.value()));
    }
    List<PatchOp> ops = new ArrayList<>();
    for (FieldPath path : expand(root, target.concat(op.path()))) {
      ops.add(new PatchOp(op.op(), path, op.value()));
    }
    return ops;
  }

  /** The patch as strict RFC 6902 operations against {@code object}, for one target path. */
  public List<Map<String, Object>> absolute(Map<String, Object> object, FieldPath target) {
    List<Map<String, Object>> ops = new ArrayList<>();
    Object copy = Json.deepCopy(object);
    for (PatchOp op : patch) {
      for (PatchOp concrete : resolve(copy, target, op)) {
        absolute(copy, concrete.path(), concrete, ops);
      }
    }
    return ops;
  }

  private static void absolute(Object copy, FieldPath full, PatchOp op,
      List<Map<String, Object>> ops) {
    if (op.op().equals("remove") && full.lookup(copy) == null
        && !(full.parent().lookup(copy) instanceof Map<?, ?> m
            && m.containsKey(last(full)))) {
      return;
    }
    if (!op.op().equals("remove")) {
      FieldPath parent = FieldPath.ROOT;
      for (Object segment : full.parent().segments()) {
        parent = segment instanceof Integer i ? parent.index(i) : parent.key((String) segment);
        if (parent.lookup(copy) == null) {
          ops.add(op("add", parent, new LinkedHashMap<>()));
          apply(copy, parent, new PatchOp("add", FieldPath.ROOT, new LinkedHashMap<>()));
        }
      }
    }
    String kind = op.op().equals("remove") ? "remove"
        : full.lookup(copy) != null ? "replace" : "add";
    ops.add(op(kind, full, op.value()));
    apply(copy, full, op);
  }

  private static Map<String, Object> op(String kind, FieldPath path, Object value) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("op", kind);
    m.put("path", path.toPointer());
    if (!kind.equals("remove")) {
      m.put("value", Json.deepCopy(value));
    }
    return m;
  }

  private static Object last(FieldPath path) {
    List<Object> s = path.segments();
    return s.isEmpty() ? null : s.get(s.size() - 1);
  }

  @SuppressWarnings("unchecked")
  private static void apply(Object root, FieldPath path, PatchOp op) {
    List<Object> segments = path.segments();
    if (segments.isEmpty()) {
      throw new IllegalArgumentException("a patch cannot replace the whole target");
    }
    Object current = root;
    for (int i = 0; i < segments.size() - 1; i++) {
      Object segment = segments.get(i);
      Object next;
      if (current instanceof Map<?, ?> map && segment instanceof String key) {
        next = map.get(key);
        if (next == null) {
          if (op.op().equals("remove")) {
            return;
          }
          next = new LinkedHashMap<String, Object>();
          ((Map<String, Object>) map).put(key, next);
        }
      } else if (current instanceof List<?> list && segment instanceof Integer index
          && index < list.size()) {
        next = list.get(index);
      } else {
        throw new IllegalArgumentException("patch path " + path + " crosses a non-object at "
            + segment);
      }
      current = next;
    }
    Object lastSegment = segments.get(segments.size() - 1);
    if (current instanceof Map<?, ?> map && lastSegment instanceof String key) {
      Map<String, Object> m = (Map<String, Object>) map;
      if (op.op().equals("remove")) {
        m.remove(key);
      } else {
        m.put(key, Json.deepCopy(op.value()));
      }
    } else if (current instanceof List<?> list && lastSegment instanceof Integer index) {
      List<Object> l = (List<Object>) list;
      switch (op.op()) {
        case "remove" -> {
          if (index < l.size()) {
            l.remove((int) index);
          }
        }
        case "replace" -> l.set(index, Json.deepCopy(op.value()));
        default -> l.add(Math.min(index, l.size()), Json.deepCopy(op.value()));
      }
    } else {
      throw new IllegalArgumentException("patch path " + path + " does not name a field");
    }
  }
}
