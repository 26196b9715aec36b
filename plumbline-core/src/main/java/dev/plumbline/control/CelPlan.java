package dev.plumbline.control;

import com.google.common.primitives.UnsignedLong;
import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.ast.CelConstant;
import dev.cel.common.ast.CelExpr;
import dev.cel.common.ast.CelReference;
import dev.cel.common.values.CelByteString;
import dev.cel.common.values.NullValue;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelFunctionBinding;
import dev.cel.runtime.CelFunctionOverload;
import dev.cel.runtime.RuntimeEquality;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A type-checked CEL expression turned once into a tree of Java nodes that evaluate it directly.
 *
 * <p>cel-java's interpreter walks the syntax tree at every evaluation: it looks up each node's
 * checked type and reference in maps keyed by node id and chooses a function overload by
 * searching the dispatcher, for every call. Controls are evaluated hundreds of thousands of times
 * per scan and once per admission review, and that walk was most of the time of both. The plan
 * does the walk once: variables of comprehensions become slots in an array, field selections and
 * the logical operators become nodes, and every other call is bound to cel-java's own
 * implementations of its candidate overloads (the same {@link CelFunctionBinding}s the
 * interpreter uses, found by overload id), so a function means the same in both.
 *
 * <p>Errors follow CEL: {@code &&} and {@code ||} absorb an error of one side when the other side
 * decides, {@code ?:} evaluates only the branch taken, and a comprehension's accumulator may hold
 * an error that is raised only when it is read. {@link #plan} refuses an expression using a form
 * it does not know ({@link Unsupported}); such an expression keeps using the interpreter.
 */
final class CelPlan {
  /** An expression form or function the planner does not handle. */
  static final class Unsupported extends Exception {
    Unsupported(String message) {
      super(message);
    }
  }

  /** A CEL evaluation error; without a stack trace, since {@code &&} and {@code ||} absorb some. */
  static final class Err extends RuntimeException {
    Err(String message, Throwable cause) {
      super(message, cause, false, false);
    }
  }

  /** An error held as a comprehension's accumulator, raised when the accumulator is read. */
  private record Held(Err error) {}

  /** The value of a type name ({@code string}, {@code int}) and of {@code type(x)}. */
  enum TypeValue {
    BOOL("bool"), INT("int"), UINT("uint"), DOUBLE("double"), STRING("string"), BYTES("bytes"),
    LIST("list"), MAP("map"), NULL_TYPE("null_type"), TYPE("type"),
    OPTIONAL_TYPE("optional_type");

    final String celName;

    TypeValue(String celName) {
      this.celName = celName;
    }

    static TypeValue named(String name) {
      for (TypeValue t : values()) {
        if (t.celName.equals(name)) {
          return t;
        }
      }
      return null;
    }

    static TypeValue of(Object v) {
      if (v instanceof Boolean) {
        return BOOL;
      } else if (v instanceof Long) {
        return INT;
      } else if (v instanceof UnsignedLong) {
        return UINT;
      } else if (v instanceof Double) {
        return DOUBLE;
      } else if (v instanceof String) {
        return STRING;
      } else if (v instanceof CelByteString) {
        return BYTES;
      } else if (v instanceof List<?>) {
        return LIST;
      } else if (v instanceof Map<?, ?>) {
        return MAP;
      } else if (v instanceof NullValue) {
        return NULL_TYPE;
      } else if (v instanceof TypeValue) {
        return TYPE;
      } else if (v instanceof Optional<?>) {
        return OPTIONAL_TYPE;
      }
      throw new Err("type() of an unsupported value " + v.getClass().getSimpleName(), null);
    }

    @Override
    public String toString() {
      return celName;
    }
  }

  /** The variables of one evaluation. */
  static final class Frame {
    final EvalContext context;
    final Map<String, ?> variables;
    final Object[] slots;

    Frame(EvalContext context, Map<String, ?> variables, int slots) {
      this.context = context;
      this.variables = variables;
      this.slots = new Object[slots];
    }

    Object global(int index, String name) {
      Object v;
      if (context != null) {
        v = switch (index) {
          case 0 -> context.resource.object();
          case 1 -> context.inventory;
          case 2 -> context.workload == null ? null : context.workload.spec();
          case 3 -> context.workload == null ? null : context.workload.metadata();
          case 4 -> context.container == null ? null : context.container.container();
          case 5 -> context.container == null ? null : context.container.type();
          default -> null;
        };
      } else {
        v = variables.get(name);
      }
      if (v == null) {
        throw new Err("No value with name '" + name + "' found", null);
      }
      return adapt(v);
    }
  }

  interface Node {
    Object eval(Frame f);
  }

  private static final List<String> GLOBALS = List.of("object", "inventory", "podSpec",
      "podMetadata", "container", "containerType");

  private final Node root;
  private final int slots;

  private CelPlan(Node root, int slots) {
    this.root = root;
    this.slots = slots;
  }

  Object eval(EvalContext context) throws CelEvaluationException {
    return run(new Frame(context, null, slots));
  }

  Object eval(Map<String, ?> variables) throws CelEvaluationException {
    return run(new Frame(null, variables, slots));
  }

  private Object run(Frame frame) throws CelEvaluationException {
    try {
      return root.eval(frame);
    } catch (Err e) {
      throw new CelEvaluationException(e.getMessage(), e.getCause());
    }
  }

  /**
   * Plans a checked expression.
   *
   * @param functions cel-java's function bindings, by overload id
   * @throws Unsupported when the expression uses a form the planner does not handle
   */
  static CelPlan plan(CelAbstractSyntaxTree ast,
      java.util.function.Function<String, CelFunctionBinding> functions,
      RuntimeEquality equality, int maxIterations) throws Unsupported {
    if (!ast.isChecked()) {
      throw new Unsupported("not type-checked");
    }
    Planner p = new Planner(ast, functions, equality, maxIterations);
    Node root = p.plan(ast.getExpr());
    return new CelPlan(root, p.nextSlot);
  }

  /** CEL's view of a value read from an object: Java's ints and floats widened, null as null. */
  static Object adapt(Object v) {
    if (v == null) {
      return NullValue.NULL_VALUE;
    } else if (v instanceof Integer i) {
      return i.longValue();
    } else if (v instanceof Float x) {
      return x.doubleValue();
    } else if (v instanceof Short s) {
      return s.longValue();
    } else if (v instanceof Byte b) {
      return b.longValue();
    }
    return v;
  }

  private static boolean isFalse(Object v) {
    return v instanceof Boolean b && !b;
  }

  private static final class Planner {
    private final CelAbstractSyntaxTree ast;
    private final java.util.function.Function<String, CelFunctionBinding> functions;
    private final RuntimeEquality equality;
    private final int maxIterations;
    private final Deque<Map<String, Integer>> scopes = new ArrayDeque<>();
    int nextSlot;

    Planner(CelAbstractSyntaxTree ast,
        java.util.function.Function<String, CelFunctionBinding> functions,
        RuntimeEquality equality, int maxIterations) {
      this.ast = ast;
      this.functions = functions;
      this.equality = equality;
      this.maxIterations = maxIterations;
    }

    Node plan(CelExpr e) throws Unsupported {
      return switch (e.getKind()) {
        case CONSTANT -> constant(e.constant());
        case IDENT -> ident(e);
        case SELECT -> select(e.select());
        case CALL -> call(e);
        case LIST -> list(e.list());
        case MAP -> map(e.map());
        case COMPREHENSION -> comprehension(e.comprehension());
        default -> throw new Unsupported("expression kind " + e.getKind());
      };
    }

    private Node constant(CelConstant c) throws Unsupported {
      Object v = switch (c.getKind()) {
        case NULL_VALUE -> NullValue.NULL_VALUE;
        case BOOLEAN_VALUE -> c.booleanValue();
        case INT64_VALUE -> c.int64Value();
        case UINT64_VALUE -> c.uint64Value();
        case DOUBLE_VALUE -> c.doubleValue();
        case STRING_VALUE -> c.stringValue();
        case BYTES_VALUE -> c.bytesValue();
        default -> throw new Unsupported("constant " + c.getKind());
      };
      return f -> v;
    }

    private Node ident(CelExpr e) throws Unsupported {
      String name = e.ident().name();
      for (Map<String, Integer> scope : scopes) {
        Integer slot = scope.get(name);
        if (slot != null) {
          int i = slot;
          return f -> {
            Object v = f.slots[i];
            if (v instanceof Held h) {
              throw h.error();
            }
            return v;
          };
        }
      }
      Optional<CelReference> ref = ast.getReference(e.id());
      if (ref.isPresent() && ref.get().value().isPresent()) {
        return constant(ref.get().value().get());
      }
      int global = GLOBALS.indexOf(name);
      if (global >= 0) {
        return f -> f.global(global, name);
      }
      TypeValue type = TypeValue.named(name);
      if (type != null) {
        return f -> type;
      }
      throw new Unsupported("identifier " + name);
    }

    private Node select(CelExpr.CelSelect s) throws Unsupported {
      Node operand = plan(s.operand());
      String field = s.field();
      if (s.testOnly()) {
        return f -> {
          Object v = operand.eval(f);
          if (v instanceof Map<?, ?> m) {
            return m.containsKey(field);
          }
          if (v instanceof Optional<?> o) {
            return o.isPresent() && o.get() instanceof Map<?, ?> m && m.containsKey(field);
          }
          throw new Err("Error resolving field '" + field + "': not a map but " + typeName(v),
              null);
        };
      }
      return f -> {
        Object v = operand.eval(f);
        if (v instanceof Map<?, ?> m) {
          Object x = m.get(field);
          if (x == null && !m.containsKey(field)) {
            throw new Err("key '" + field + "' is not present in map.", null);
          }
          return adapt(x);
        }
        if (v instanceof Optional<?> o) {
          return optionalSelect(o, field);
        }
        throw new Err("Error resolving field '" + field + "': not a map but " + typeName(v),
            null);
      };
    }

    private Node call(CelExpr e) throws Unsupported {
      CelExpr.CelCall c = e.call();
      String fn = c.function();
      List<CelExpr> args = c.args();
      if (c.target().isEmpty()) {
        switch (fn) {
          case "_&&_" -> {
            return logical(plan(args.get(0)), plan(args.get(1)), false, fn);
          }
          case "_||_" -> {
            return logical(plan(args.get(0)), plan(args.get(1)), true, fn);
          }
          case "_?_:_" -> {
            return conditional(plan(args.get(0)), plan(args.get(1)), plan(args.get(2)));
          }
          case "!_" -> {
            Node a = plan(args.get(0));
            return f -> {
              Object v = a.eval(f);
              if (v instanceof Boolean b) {
                return !b;
              }
              throw noOverload(fn, v);
            };
          }
          case "@not_strictly_false" -> {
            Node a = plan(args.get(0));
            return f -> {
              try {
                return !isFalse(a.eval(f));
              } catch (Err err) {
                return true;
              }
            };
          }
          case "_?._" -> {
            if (args.get(1).getKind() != CelExpr.ExprKind.Kind.CONSTANT) {
              throw new Unsupported("optional select of a computed field");
            }
            Node operand = plan(args.get(0));
            String field = args.get(1).constant().stringValue();
            return f -> {
              Object v = operand.eval(f);
              if (v instanceof Optional<?> o) {
                return optionalSelect(o, field);
              }
              if (v instanceof Map<?, ?> m) {
                return optionalField(m, field);
              }
              throw new Err("Error resolving field '" + field + "': not a map but "
                  + typeName(v), null);
            };
          }
          case "_==_", "_!=_" -> {
            Node a = plan(args.get(0));
            Node b = plan(args.get(1));
            boolean negate = fn.equals("_!=_");
            return f -> {
              Object x = a.eval(f);
              Object y = b.eval(f);
              return equal(x, y) != negate;
            };
          }
          case "type" -> {
            if (args.size() == 1) {
              Node a = plan(args.get(0));
              return f -> TypeValue.of(a.eval(f));
            }
          }
          default -> { }
        }
      } else {
        switch (fn) {
          case "orValue" -> {
            Node target = plan(c.target().get());
            Node alternative = plan(args.get(0));
            return f -> {
              Object v = target.eval(f);
              if (v instanceof Optional<?> o) {
                return o.isPresent() ? o.get() : alternative.eval(f);
              }
              throw noOverload(fn, v);
            };
          }
          case "or" -> {
            Node target = plan(c.target().get());
            Node alternative = plan(args.get(0));
            return f -> {
              Object v = target.eval(f);
              if (v instanceof Optional<?> o) {
                if (o.isPresent()) {
                  return o;
                }
                Object w = alternative.eval(f);
                if (w instanceof Optional<?>) {
                  return w;
                }
                throw noOverload(fn, w);
              }
              throw noOverload(fn, v);
            };
          }
          default -> { }
        }
      }
      List<Node> operands = new ArrayList<>();
      if (c.target().isPresent()) {
        operands.add(plan(c.target().get()));
      }
      for (CelExpr a : c.args()) {
        operands.add(plan(a));
      }
      Node[] nodes = operands.toArray(new Node[0]);
      return common(fn, c.target().isPresent(), nodes, generic(e, c, nodes));
    }

    /**
     * The most frequent calls answered directly for their usual argument types (same results as
     * cel-java's implementations); any other types go to the bound overloads.
     */
    private Node common(String fn, boolean member, Node[] operands, Node generic) {
      int arity = operands.length;
      if (arity == 1 && (fn.equals("size") || fn.equals("string"))) {
        Node a = operands[0];
        if (fn.equals("size")) {
          return f -> {
            Object v = a.eval(f);
            if (v instanceof List<?> l) {
              return (long) l.size();
            } else if (v instanceof Map<?, ?> m) {
              return (long) m.size();
            } else if (v instanceof String s) {
              return (long) s.codePointCount(0, s.length());
            }
            return generic.eval(f);
          };
        }
        return f -> {
          Object v = a.eval(f);
          if (v instanceof String) {
            return v;
          } else if (v instanceof Long n) {
            return n.toString();
          }
          return generic.eval(f);
        };
      }
      if (arity != 2) {
        return generic;
      }
      Node a = operands[0];
      Node b = operands[1];
      return switch (fn) {
        case "_+_" -> f -> {
          Object x = a.eval(f);
          Object y = b.eval(f);
          if (x instanceof String s && y instanceof String t) {
            return s.concat(t);
          }
          return generic.eval(f);
        };
        case "@in" -> f -> {
          Object x = a.eval(f);
          Object y = b.eval(f);
          if (y instanceof List<?> list && (x instanceof String || x instanceof Boolean)) {
            for (Object item : list) {
              if (x.equals(item)) {
                return true;
              }
            }
            for (Object item : list) {
              if (!(item instanceof String || item instanceof Boolean)) {
                return generic.eval(f); // mixed types: CEL's equality decides
              }
            }
            return false;
          }
          if (y instanceof Map<?, ?> map && x instanceof String key) {
            return map.containsKey(key);
          }
          return generic.eval(f);
        };
        case "startsWith", "endsWith", "contains" -> {
          if (!member) {
            yield generic;
          }
          yield f -> {
            Object x = a.eval(f);
            Object y = b.eval(f);
            if (x instanceof String s && y instanceof String t) {
              return switch (fn) {
                case "startsWith" -> s.startsWith(t);
                case "endsWith" -> s.endsWith(t);
                default -> s.contains(t);
              };
            }
            return generic.eval(f);
          };
        }
        default -> generic;
      };
    }

    /** A call bound to cel-java's implementations of its candidate overloads. */
    private Node generic(CelExpr e, CelExpr.CelCall c, Node[] nodes) throws Unsupported {
      CelReference ref = ast.getReference(e.id())
          .orElseThrow(() -> new Unsupported("call of " + c.function() + " without reference"));
      List<CelFunctionBinding> candidates = new ArrayList<>();
      for (String id : ref.overloadIds()) {
        CelFunctionBinding b = functions.apply(id);
        if (b == null) {
          throw new Unsupported("overload " + id + " has no binding");
        }
        if (!b.isStrict()) {
          throw new Unsupported("overload " + id + " is not strict");
        }
        candidates.add(b);
      }
      if (candidates.isEmpty()) {
        throw new Unsupported("call of " + c.function() + " without overloads");
      }
      CelFunctionBinding[] bindings = candidates.toArray(new CelFunctionBinding[0]);
      String fn = c.function();
      return f -> {
        Object[] values = new Object[nodes.length];
        for (int i = 0; i < nodes.length; i++) {
          values[i] = nodes[i].eval(f);
        }
        for (CelFunctionBinding b : bindings) {
          if (CelFunctionOverload.canHandle(values, b.getArgTypes(), true)) {
            try {
              return adapt(b.getDefinition().apply(values));
            } catch (CelEvaluationException x) {
              throw new Err(x.getMessage(), x);
            } catch (Err x) {
              throw x;
            } catch (RuntimeException x) {
              throw new Err("Function '" + b.getOverloadId() + "' failed: " + x, x);
            }
          }
        }
        throw noOverload(fn, values);
      };
    }

    /**
     * {@code &&} ({@code decisive} false) or {@code ||} ({@code decisive} true): a side equal to
     * {@code decisive} decides, even when the other side is an error.
     */
    private static Node logical(Node a, Node b, boolean decisive, String fn) {
      return f -> {
        Object l;
        Err left = null;
        try {
          l = a.eval(f);
          if (l instanceof Boolean x && x == decisive) {
            return decisive;
          }
        } catch (Err x) {
          left = x;
          l = null;
        }
        Object r;
        try {
          r = b.eval(f);
        } catch (Err x) {
          throw left != null ? left : x;
        }
        if (r instanceof Boolean x && x == decisive) {
          return decisive;
        }
        if (left != null) {
          throw left;
        }
        if (l instanceof Boolean && r instanceof Boolean) {
          return !decisive;
        }
        throw noOverload(fn, l, r);
      };
    }

    private Node conditional(Node condition, Node then, Node otherwise) {
      return f -> {
        Object c = condition.eval(f);
        if (c instanceof Boolean b) {
          return b ? then.eval(f) : otherwise.eval(f);
        }
        throw noOverload("_?_:_", c);
      };
    }

    private Node list(CelExpr.CelList l) throws Unsupported {
      if (!l.optionalIndices().isEmpty()) {
        throw new Unsupported("optional list elements");
      }
      List<Node> elements = new ArrayList<>();
      for (CelExpr x : l.elements()) {
        elements.add(plan(x));
      }
      Node[] nodes = elements.toArray(new Node[0]);
      return f -> {
        List<Object> out = new ArrayList<>(nodes.length);
        for (Node n : nodes) {
          out.add(n.eval(f));
        }
        return out;
      };
    }

    private Node map(CelExpr.CelMap m) throws Unsupported {
      List<Node[]> entries = new ArrayList<>();
      for (CelExpr.CelMap.Entry e : m.entries()) {
        if (e.optionalEntry()) {
          throw new Unsupported("optional map entries");
        }
        entries.add(new Node[] {plan(e.key()), plan(e.value())});
      }
      return f -> {
        Map<Object, Object> out = new LinkedHashMap<>(Math.max(4, entries.size() * 2));
        for (Node[] e : entries) {
          Object key = e[0].eval(f);
          if (!(key instanceof String || key instanceof Long || key instanceof UnsignedLong
              || key instanceof Boolean)) {
            throw new Err("Unsupported key type: " + typeName(key), null);
          }
          if (out.put(key, e[1].eval(f)) != null) {
            throw new Err("duplicate map key [" + key + "]", null);
          }
        }
        return out;
      };
    }

    private Node comprehension(CelExpr.CelComprehension c) throws Unsupported {
      Node range = plan(c.iterRange());
      Node init = plan(c.accuInit());
      int accu = nextSlot++;
      Map<String, Integer> accuScope = new HashMap<>();
      accuScope.put(c.accuVar(), accu);
      scopes.push(accuScope);
      Node result = plan(c.result());
      int iter = nextSlot++;
      boolean two = !c.iterVar2().isEmpty();
      int iter2 = two ? nextSlot++ : -1;
      Map<String, Integer> iterScope = new HashMap<>();
      iterScope.put(c.iterVar(), iter);
      if (two) {
        iterScope.put(c.iterVar2(), iter2);
      }
      scopes.push(iterScope);
      Node condition = plan(c.loopCondition());
      Node step = plan(c.loopStep());
      scopes.pop();
      scopes.pop();
      int limit = maxIterations;
      return f -> {
        Object over = range.eval(f);
        Object[] s = f.slots;
        try {
          s[accu] = init.eval(f);
        } catch (Err x) {
          s[accu] = new Held(x);
        }
        int n = 0;
        if (over instanceof List<?> list) {
          for (int i = 0; i < list.size(); i++) {
            checkBudget(++n, limit);
            if (two) {
              s[iter] = (long) i;
              s[iter2] = adapt(list.get(i));
            } else {
              s[iter] = adapt(list.get(i));
            }
            if (!advance(f, condition, step, accu)) {
              break;
            }
          }
        } else if (over instanceof Map<?, ?> map) {
          for (Map.Entry<?, ?> entry : map.entrySet()) {
            checkBudget(++n, limit);
            s[iter] = adapt(entry.getKey());
            if (two) {
              s[iter2] = adapt(entry.getValue());
            }
            if (!advance(f, condition, step, accu)) {
              break;
            }
          }
        } else {
          throw new Err("expected a list or a map for iteration range but got "
              + typeName(over), null);
        }
        Object out = result.eval(f);
        s[iter] = null;
        if (two) {
          s[iter2] = null;
        }
        s[accu] = null;
        return out;
      };
    }

    /** One iteration: false when the loop condition ends the loop, else the step is taken. */
    private static boolean advance(Frame f, Node condition, Node step, int accu) {
      Object v = condition.eval(f);
      if (!(v instanceof Boolean b)) {
        throw noOverload("loop condition", v);
      }
      if (!b) {
        return false;
      }
      try {
        f.slots[accu] = step.eval(f);
      } catch (Err x) {
        f.slots[accu] = new Held(x); // raised only if the accumulator is read
      }
      return true;
    }

    private static void checkBudget(int iterations, int limit) {
      if (iterations > limit) {
        throw new Err("Iteration budget exceeded: " + limit, null);
      }
    }

    private boolean equal(Object x, Object y) {
      if (x instanceof String a && y instanceof String b) {
        return a.equals(b);
      }
      if (x instanceof Long a && y instanceof Long b) {
        return a.longValue() == b.longValue();
      }
      if (x instanceof Boolean a && y instanceof Boolean b) {
        return a.booleanValue() == b.booleanValue();
      }
      if (x instanceof TypeValue || y instanceof TypeValue) {
        return x == y;
      }
      try {
        return equality.objectEquals(x, y);
      } catch (RuntimeException e) {
        throw new Err("equality failed: " + e.getMessage(), e);
      }
    }
  }

  private static Object optionalSelect(Optional<?> o, String field) {
    if (o.isEmpty()) {
      return o;
    }
    if (o.get() instanceof Map<?, ?> m) {
      return optionalField(m, field);
    }
    throw new Err("Error resolving field '" + field + "': not a map but " + typeName(o.get()),
        null);
  }

  private static Optional<Object> optionalField(Map<?, ?> m, String field) {
    Object x = m.get(field);
    if (x == null && !m.containsKey(field)) {
      return Optional.empty();
    }
    return Optional.of(adapt(x));
  }

  private static Err noOverload(String function, Object... args) {
    StringBuilder types = new StringBuilder();
    for (Object a : args) {
      if (types.length() > 0) {
        types.append(", ");
      }
      types.append(typeName(a));
    }
    return new Err("No matching overload for function '" + function + "' with arguments ("
        + types + ")", null);
  }

  private static String typeName(Object v) {
    if (v == null) {
      return "null";
    }
    try {
      return TypeValue.of(v).celName;
    } catch (Err e) {
      return v.getClass().getSimpleName();
    }
  }
}
