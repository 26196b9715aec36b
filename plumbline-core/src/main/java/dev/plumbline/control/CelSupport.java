package dev.plumbline.control;

import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.CelFunctionDecl;
import dev.cel.common.CelOptions;
import dev.cel.common.CelOverloadDecl;
import dev.cel.common.CelValidationException;
import dev.cel.common.types.CelKind;
import dev.cel.common.types.CelType;
import dev.cel.common.types.ListType;
import dev.cel.common.types.MapType;
import dev.cel.common.types.OpaqueType;
import dev.cel.common.types.SimpleType;
import dev.cel.compiler.CelCompiler;
import dev.cel.compiler.CelCompilerBuilder;
import dev.cel.compiler.CelCompilerFactory;
import dev.cel.extensions.CelExtensions;
import dev.cel.parser.CelStandardMacro;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelFunctionBinding;
import dev.cel.runtime.CelRuntime;
import dev.cel.runtime.CelRuntimeFactory;
import dev.cel.runtime.CelStandardFunctions;
import dev.cel.runtime.RuntimeEquality;
import dev.cel.runtime.RuntimeHelpers;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * The CEL environment every control is compiled in: one compiler per {@link Target} (so a control
 * can only use the variables its target has) and one shared runtime.
 *
 * <p>Besides standard CEL, the optional-field syntax ({@code a.?b.orValue(x)}), and the strings,
 * lists, sets, comprehensions (two-variable {@code transformList}), regex and encoders
 * ({@code base64.decode}) extensions, expressions can call:
 *
 * <ul>
 *   <li>{@code selects(selector, labels)}: whether a Kubernetes label selector
 *       ({@code matchLabels}, {@code matchExpressions}) selects a set of labels;
 *   <li>{@code inventory.list(kind)} and {@code inventory.list(kind, namespace)}: the objects of
 *       the scan of a kind;
 *   <li>{@code grants(rule, verbs, apiGroups, resources)},
 *       {@code grantingResources(rule, verbs, apiGroups, resources)},
 *       {@code inventory.grantees(role)} and {@code ruleText(rule)}: RBAC rule matching with the
 *       API server's semantics, and who the scanned bindings grant a role to (see {@link Rbac});
 *   <li>{@code flags(list)}: the {@code --flags} of a command line as a map (see {@link Flags});
 *   <li>{@code component(container)}, {@code componentFlags(container)} and
 *       {@code flagViolation(container, name)}: which Kubernetes component a container runs and
 *       where its flags are (see {@link Components});
 *   <li>{@code secretKind(string)}, {@code credentialName(string)} and {@code redact(string)}:
 *       credential detection (see {@link Secrets}).
 *   <li>{@code envCredential(name, value)}: why an environment variable looks like a literal
 *       credential, or "" (see {@link Secrets#envCredential});
 *   <li>{@code literalValue(string)}: whether a value is a literal rather than a placeholder or
 *       reference such as {@code ${DB_PASSWORD}} (see {@link Secrets#literalValue});
 *   <li>{@code cidrContains(cidr, address)}: whether an IP block holds an address or a block (see
 *       {@link Cidrs}).
 * </ul>
 */
final class CelSupport {
  static final CelType OBJECT = MapType.create(SimpleType.STRING, SimpleType.DYN);
  static final CelType INVENTORY = OpaqueType.create("plumbline.Inventory");
  private static final CelType DYN_LIST = ListType.create(SimpleType.DYN);

  private static final int MAX_ITERATIONS = 1_000_000;
  /**
   * {@code -Dplumbline.cel.interpreter=true} evaluates every expression with cel-java's
   * interpreter instead of {@link CelPlan} (slower; for comparison and as a way out).
   */
  private static final boolean INTERPRETER_ONLY = Boolean.getBoolean("plumbline.cel.interpreter");
  private static final CelSupport INSTANCE = new CelSupport();

  private final CelOptions options = CelOptions.current()
      .enableHeterogeneousNumericComparisons(true)
      .comprehensionMaxIterations(MAX_ITERATIONS)
      .build();
  /** Made on first use: with the precompiled library, a scan may never need one. */
  private final Map<Target, CelCompiler> compilers = new EnumMap<>(Target.class);
  /** cel-java's interpreter, made on first use: planned expressions do not need it. */
  private CelRuntime runtime;
  /** Compiled programs by target, result kind and text: controls share guards and checks. */
  private final java.util.concurrent.ConcurrentHashMap<String, Compiled> programs =
      new java.util.concurrent.ConcurrentHashMap<>();
  private final String fingerprint;
  private final PrecompiledCel precompiled;

  /** cel-java's implementation of every function, by overload id, for {@link CelPlan}. */
  private final CelBindings bindings;
  private final RuntimeEquality equality;

  private record Compiled(java.util.function.Supplier<CelAbstractSyntaxTree> ast,
      Program program) {}

  /**
   * When set (by tests), every planned evaluation is repeated by the interpreter and each
   * different outcome is added to this list, so that the library's fixtures and corpora prove the
   * two agree.
   */
  private static volatile List<String> crossCheck;

  /** Starts cross-checking into {@code mismatches}, or stops it with null. */
  static void crossCheck(List<String> mismatches) {
    crossCheck = mismatches;
  }

  /**
   * A compiled expression: its {@link CelPlan} when the planner handles it (all of the built-in
   * library), else cel-java's interpreter.
   */
  static final class Program {
    private final String expression;
    private final CelPlan plan;
    private final java.util.function.Supplier<CelRuntime.Program> interpreter;
    private volatile CelRuntime.Program interpreted;

    Program(String expression, CelPlan plan, CelRuntime.Program interpreted,
        java.util.function.Supplier<CelRuntime.Program> interpreter) {
      this.expression = expression;
      this.plan = plan;
      this.interpreted = interpreted;
      this.interpreter = interpreter;
    }

    private CelRuntime.Program interpreted() {
      CelRuntime.Program p = interpreted;
      if (p == null) {
        p = interpreter.get();
        interpreted = p;
      }
      return p;
    }

    boolean planned() {
      return plan != null;
    }

    Object eval(EvalContext context) throws CelEvaluationException {
      if (plan == null) {
        return interpreted.eval(context::variable);
      }
      if (crossCheck != null) {
        return crossChecked(() -> plan.eval(context),
            () -> interpreted().eval(context::variable));
      }
      return plan.eval(context);
    }

    /** Evaluates with variables by name (tests and tools). */
    Object eval(Map<String, ?> variables) throws CelEvaluationException {
      if (plan == null) {
        return interpreted.eval(variables);
      }
      if (crossCheck != null) {
        return crossChecked(() -> plan.eval(variables), () -> interpreted().eval(variables));
      }
      return plan.eval(variables);
    }

    private interface Evaluation {
      Object run() throws CelEvaluationException;
    }

    private Object crossChecked(Evaluation planned, Evaluation interpreter)
        throws CelEvaluationException {
      Object a;
      Object b;
      CelEvaluationException errorA = null;
      CelEvaluationException errorB = null;
      try {
        a = Check.plain(planned.run());
      } catch (CelEvaluationException e) {
        errorA = e;
        a = null;
      }
      try {
        b = Check.plain(interpreter.run());
      } catch (CelEvaluationException e) {
        errorB = e;
        b = null;
      }
      List<String> sink = crossCheck;
      if (sink != null
          && ((errorA == null) != (errorB == null) || !java.util.Objects.equals(a, b))) {
        synchronized (sink) {
          sink.add("the planned evaluation of " + expression + " gave "
              + (errorA != null ? "error " + errorA.getMessage() : a) + ", the interpreter "
              + (errorB != null ? "error " + errorB.getMessage() : b));
        }
      }
      if (errorA != null) {
        throw errorA;
      }
      return planned.run();
    }
  }

  private CelSupport() {
    equality = RuntimeEquality.create(RuntimeHelpers.create(), options);
    bindings = new CelBindings(options, equality,
        List.of(CelExtensions.optional(), CelExtensions.strings(), CelExtensions.comprehensions(),
            CelExtensions.lists(), CelExtensions.regex()),
        () -> List.of(CelExtensions.sets(options), CelExtensions.encoders(options)),
        concat(bindings(), Rbac.bindings()));
    fingerprint = fingerprintOf(functions() + "\n" + Rbac.functions() + "\n" + options
        + "\nvariables: object, inventory, podSpec, podMetadata, container, containerType"
        + "\nextensions: optional, strings, comprehensions, lists, sets, encoders, regex");
    precompiled = PrecompiledCel.fromClasspath(fingerprint);
  }

  private synchronized CelCompiler compiler(Target target) {
    return compilers.computeIfAbsent(target, t -> {
      CelCompilerBuilder b = CelCompilerFactory.standardCelCompilerBuilder()
          .setOptions(options)
          .setStandardMacros(CelStandardMacro.STANDARD_MACROS)
          .addLibraries(CelExtensions.optional(), CelExtensions.strings(),
              CelExtensions.comprehensions(), CelExtensions.lists(), CelExtensions.sets(options),
              CelExtensions.encoders(options), CelExtensions.regex())
          .addFunctionDeclarations(functions())
          .addFunctionDeclarations(Rbac.functions())
          .addVar("object", OBJECT)
          .addVar("inventory", INVENTORY);
      if (t != Target.RESOURCE) {
        b.addVar("podSpec", OBJECT).addVar("podMetadata", OBJECT);
      }
      if (t == Target.CONTAINER) {
        b.addVar("container", OBJECT).addVar("containerType", SimpleType.STRING);
      }
      return b.build();
    });
  }

  private synchronized CelRuntime runtime() {
    if (runtime == null) {
      runtime = CelRuntimeFactory.standardCelRuntimeBuilder()
          .setOptions(options)
          .setStandardEnvironmentEnabled(false)
          .setStandardFunctions(CelStandardFunctions.newBuilder()
              .excludeFunctions(CelStandardFunctions.StandardFunction.MATCHES).build())
          .addLibraries(CelExtensions.optional(), CelExtensions.strings(),
              CelExtensions.comprehensions(), CelExtensions.lists(), CelExtensions.sets(options),
              CelExtensions.encoders(options), CelExtensions.regex())
          .addFunctionBindings(bindings())
          .addFunctionBindings(Rbac.bindings())
          .build();
    }
    return runtime;
  }

  private static String fingerprintOf(String environment) {
    try {
      byte[] hash = java.security.MessageDigest.getInstance("SHA-256")
          .digest(environment.getBytes(java.nio.charset.StandardCharsets.UTF_8));
      return java.util.HexFormat.of().formatHex(hash);
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Identifies the environment expressions are checked in (see {@link PrecompiledCel}). */
  String fingerprint() {
    return fingerprint;
  }

  /** Every expression compiled (or found precompiled) so far, by key. */
  java.util.Map<String, CelAbstractSyntaxTree> compiledAsts() {
    java.util.Map<String, CelAbstractSyntaxTree> asts = new java.util.HashMap<>();
    programs.forEach((k, v) -> asts.put(k, v.ast().get()));
    return asts;
  }

  static CelSupport get() {
    return INSTANCE;
  }

  private static List<CelFunctionDecl> functions() {
    return List.of(
        CelFunctionDecl.newFunctionDeclaration("selects",
            CelOverloadDecl.newGlobalOverload("selects_dyn_dyn", SimpleType.BOOL, SimpleType.DYN,
                SimpleType.DYN)),
        CelFunctionDecl.newFunctionDeclaration("list",
            CelOverloadDecl.newMemberOverload("inventory_list_kind", DYN_LIST, INVENTORY,
                SimpleType.STRING),
            CelOverloadDecl.newMemberOverload("inventory_list_kind_namespace", DYN_LIST,
                INVENTORY, SimpleType.STRING, SimpleType.STRING)),
        CelFunctionDecl.newFunctionDeclaration("flags",
            CelOverloadDecl.newGlobalOverload("flags_dyn",
                MapType.create(SimpleType.STRING, SimpleType.STRING), SimpleType.DYN)),
        CelFunctionDecl.newFunctionDeclaration("component",
            CelOverloadDecl.newGlobalOverload("component_dyn", SimpleType.STRING, SimpleType.DYN)),
        CelFunctionDecl.newFunctionDeclaration("componentFlags",
            CelOverloadDecl.newGlobalOverload("component_flags_dyn",
                MapType.create(SimpleType.STRING, SimpleType.STRING), SimpleType.DYN)),
        CelFunctionDecl.newFunctionDeclaration("flagViolation",
            CelOverloadDecl.newGlobalOverload("flag_violation_dyn_string",
                MapType.create(SimpleType.STRING, SimpleType.DYN), SimpleType.DYN,
                SimpleType.STRING)),
        CelFunctionDecl.newFunctionDeclaration("secretKind",
            CelOverloadDecl.newGlobalOverload("secret_kind_string", SimpleType.STRING,
                SimpleType.STRING)),
        CelFunctionDecl.newFunctionDeclaration("credentialName",
            CelOverloadDecl.newGlobalOverload("credential_name_string", SimpleType.BOOL,
                SimpleType.STRING)),
        CelFunctionDecl.newFunctionDeclaration("redact",
            CelOverloadDecl.newGlobalOverload("redact_string", SimpleType.STRING,
                SimpleType.STRING)),
        CelFunctionDecl.newFunctionDeclaration("envCredential",
            CelOverloadDecl.newGlobalOverload("env_credential_string_string", SimpleType.STRING,
                SimpleType.STRING, SimpleType.STRING)),
        CelFunctionDecl.newFunctionDeclaration("literalValue",
            CelOverloadDecl.newGlobalOverload("literal_value_string", SimpleType.BOOL,
                SimpleType.STRING)),
        CelFunctionDecl.newFunctionDeclaration("cidrContains",
            CelOverloadDecl.newGlobalOverload("cidr_contains_string_string", SimpleType.BOOL,
                SimpleType.STRING, SimpleType.STRING)));
  }

  private static List<CelFunctionBinding> bindings() {
    return List.of(
        CelFunctionBinding.from("selects_dyn_dyn", Object.class, Object.class,
            LabelSelectors::selects),
        CelFunctionBinding.from("inventory_list_kind", Inventory.class, String.class,
            Inventory::list),
        CelFunctionBinding.from("inventory_list_kind_namespace",
            List.of(Inventory.class, String.class, String.class),
            args -> ((Inventory) args[0]).list((String) args[1], (String) args[2])),
        CelFunctionBinding.from("matches", String.class, String.class, Regexes::matches),
        CelFunctionBinding.from("matches_string", String.class, String.class, Regexes::matches),
        CelFunctionBinding.from("flags_dyn", Object.class, Flags::parse),
        CelFunctionBinding.from("component_dyn", Object.class, Components::of),
        CelFunctionBinding.from("component_flags_dyn", Object.class, Components::flags),
        CelFunctionBinding.from("flag_violation_dyn_string", Object.class, String.class,
            Components::violation),
        CelFunctionBinding.from("secret_kind_string", String.class, Secrets::kindOf),
        CelFunctionBinding.from("credential_name_string", String.class, Secrets::credentialName),
        CelFunctionBinding.from("redact_string", String.class, Secrets::redact),
        CelFunctionBinding.from("env_credential_string_string", String.class, String.class,
            Secrets::envCredential),
        CelFunctionBinding.from("literal_value_string", String.class, Secrets::literalValue),
        CelFunctionBinding.from("cidr_contains_string_string", String.class, String.class,
            Cidrs::contains));
  }

  private static <T> List<T> concat(List<T> a, List<T> b) {
    List<T> all = new java.util.ArrayList<>(a);
    all.addAll(b);
    return all;
  }

  /** The result an expression must have. */
  enum Result {
    BOOL,
    LIST
  }

  /**
   * Parses and type-checks an expression for a target.
   *
   * @throws IllegalArgumentException with the compiler's message (position and caret included)
   */
  Program compile(Target target, String expression, Result result) {
    String key = target + "\n" + result + "\n" + expression;
    Compiled cached = programs.get(key);
    if (cached != null) {
      return cached.program();
    }
    Compiled compiled = compileUncached(key, target, expression, result);
    programs.putIfAbsent(key, compiled);
    return compiled.program();
  }

  private Compiled compileUncached(String key, Target target, String expression,
      Result result) {
    // A stored expression is planned from its lighter form; the whole one is decoded only for
    // the interpreter (see PrecompiledCel).
    CelAbstractSyntaxTree ast = INTERPRETER_ONLY ? precompiled.lookup(key)
        : precompiled.lookupForPlanning(key);
    boolean lighter = ast != null && !INTERPRETER_ONLY;
    if (ast == null) {
      try {
        ast = compiler(target).compile(expression).getAst();
      } catch (CelValidationException e) {
        throw new IllegalArgumentException(e.getMessage(), e);
      }
    }
    CelAbstractSyntaxTree known = ast;
    java.util.function.Supplier<CelAbstractSyntaxTree> whole = !lighter ? () -> known : once(() -> {
      CelAbstractSyntaxTree stored = precompiled.lookup(key);
      if (stored == null) {
        throw new IllegalStateException("the stored expression cannot be read: " + expression);
      }
      return stored;
    });
    CelKind kind = ast.getResultType().kind();
    if (result == Result.BOOL && kind != CelKind.BOOL && kind != CelKind.DYN) {
      throw new IllegalArgumentException(
          "the expression must be a bool, but it is " + ast.getResultType().name());
    }
    if (result == Result.LIST && kind != CelKind.LIST && kind != CelKind.DYN) {
      throw new IllegalArgumentException(
          "the expression must be a list, but it is " + ast.getResultType().name());
    }
    CelPlan plan = null;
    if (!INTERPRETER_ONLY) {
      try {
        plan = CelPlan.plan(ast, bindings.lookup(), equality, MAX_ITERATIONS);
      } catch (CelPlan.Unsupported e) {
        plan = null; // the interpreter runs it
      }
    }
    java.util.function.Supplier<CelRuntime.Program> interpreter = () -> {
      try {
        return runtime().createProgram(whole.get());
      } catch (CelEvaluationException e) {
        throw new IllegalArgumentException(e.getMessage(), e);
      }
    };
    // Without a plan the interpreter is made now, so that what it refuses stops the load.
    return new Compiled(whole, new Program(expression, plan,
        plan == null ? interpreter.get() : null, interpreter));
  }

  /** A supplier that asks {@code supplier} once. */
  private static <T> java.util.function.Supplier<T> once(java.util.function.Supplier<T> supplier) {
    return new java.util.function.Supplier<>() {
      private T value;

      @Override
      public synchronized T get() {
        if (value == null) {
          value = supplier.get();
        }
        return value;
      }
    };
  }
}
