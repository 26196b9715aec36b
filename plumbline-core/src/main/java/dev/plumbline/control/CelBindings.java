package dev.plumbline.control;

import com.google.protobuf.DescriptorProtos;
import com.google.protobuf.Descriptors;
import com.google.protobuf.ExtensionRegistry;
import com.google.protobuf.Message;
import dev.cel.common.CelContainer;
import dev.cel.common.CelOptions;
import dev.cel.common.types.CelTypeProvider;
import dev.cel.common.values.CelValueProvider;
import dev.cel.runtime.CelFunctionBinding;
import dev.cel.runtime.CelInternalRuntimeLibrary;
import dev.cel.runtime.CelRuntime;
import dev.cel.runtime.CelRuntimeBuilder;
import dev.cel.runtime.CelRuntimeLibrary;
import dev.cel.runtime.CelStandardFunctions;
import dev.cel.runtime.RuntimeEquality;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * cel-java's implementation of every function the environment declares, by overload id, for
 * {@link CelPlan}: the standard functions, the extensions and Plumbline's own.
 *
 * <p>The extensions whose setup is costly and that the built-in library does not use (sets and
 * encoders: they build protobuf descriptor pools, about a tenth of a second of a small scan's
 * start-up) are set up the first time an expression asks for an overload not found among the
 * others.
 */
final class CelBindings {
  private final CelOptions options;
  private final RuntimeEquality equality;
  private final Map<String, CelFunctionBinding> common;
  private final Supplier<List<Object>> rarelyUsed;
  private volatile Map<String, CelFunctionBinding> rest;

  /**
   * @param commonLibraries the extension libraries set up at once
   * @param rarelyUsed the others, asked for on the first miss
   * @param own Plumbline's functions
   */
  CelBindings(CelOptions options, RuntimeEquality equality, List<Object> commonLibraries,
      Supplier<List<Object>> rarelyUsed, List<CelFunctionBinding> own) {
    this.options = options;
    this.equality = equality;
    this.rarelyUsed = rarelyUsed;
    List<CelFunctionBinding> all = new ArrayList<>(CelStandardFunctions.newBuilder()
        .excludeFunctions(CelStandardFunctions.StandardFunction.MATCHES).build()
        .newFunctionBindings(equality, options));
    all.addAll(of(commonLibraries, options, equality));
    all.addAll(own);
    this.common = byId(all);
  }

  /** The binding of an overload, or null when no function of the environment has it. */
  CelFunctionBinding get(String overloadId) {
    CelFunctionBinding b = common.get(overloadId);
    if (b != null) {
      return b;
    }
    Map<String, CelFunctionBinding> more = rest;
    if (more == null) {
      synchronized (this) {
        more = rest;
        if (more == null) {
          more = byId(of(rarelyUsed.get(), options, equality));
          rest = more;
        }
      }
    }
    return more.get(overloadId);
  }

  /** As a function, for {@link CelPlan}. */
  Function<String, CelFunctionBinding> lookup() {
    return this::get;
  }

  private static Map<String, CelFunctionBinding> byId(List<CelFunctionBinding> bindings) {
    Map<String, CelFunctionBinding> byId = new HashMap<>(bindings.size() * 2);
    bindings.forEach(b -> byId.put(b.getOverloadId(), b));
    return byId;
  }

  /** The bindings extension libraries add to a runtime. */
  private static List<CelFunctionBinding> of(List<Object> libraries, CelOptions options,
      RuntimeEquality equality) {
    Recorder recorder = new Recorder();
    for (Object library : libraries) {
      if (library instanceof CelInternalRuntimeLibrary internal) {
        internal.setRuntimeOptions(recorder, equality, options);
      } else if (library instanceof CelRuntimeLibrary runtimeLibrary) {
        runtimeLibrary.setRuntimeOptions(recorder);
      }
    }
    return recorder.bindings;
  }

  /** A runtime builder that only keeps the function bindings libraries add to it. */
  private static final class Recorder implements CelRuntimeBuilder {
    final List<CelFunctionBinding> bindings = new ArrayList<>();

    @Override
    public CelRuntimeBuilder addFunctionBindings(CelFunctionBinding... functionBindings) {
      bindings.addAll(List.of(functionBindings));
      return this;
    }

    @Override
    public CelRuntimeBuilder addFunctionBindings(Iterable<CelFunctionBinding> functionBindings) {
      functionBindings.forEach(bindings::add);
      return this;
    }

    @Override
    public CelRuntimeBuilder setOptions(CelOptions options) {
      return this;
    }

    @Override
    public CelRuntimeBuilder addLateBoundFunctions(String... names) {
      return this;
    }

    @Override
    public CelRuntimeBuilder addLateBoundFunctions(Iterable<String> names) {
      return this;
    }

    @Override
    public CelRuntimeBuilder addMessageTypes(Descriptors.Descriptor... descriptors) {
      return this;
    }

    @Override
    public CelRuntimeBuilder addMessageTypes(Iterable<Descriptors.Descriptor> descriptors) {
      return this;
    }

    @Override
    public CelRuntimeBuilder addFileTypes(Descriptors.FileDescriptor... fileDescriptors) {
      return this;
    }

    @Override
    public CelRuntimeBuilder addFileTypes(Iterable<Descriptors.FileDescriptor> fileDescriptors) {
      return this;
    }

    @Override
    public CelRuntimeBuilder addFileTypes(DescriptorProtos.FileDescriptorSet fileDescriptorSet) {
      return this;
    }

    @Override
    public CelRuntimeBuilder setTypeProvider(CelTypeProvider celTypeProvider) {
      return this;
    }

    @Override
    public CelRuntimeBuilder setTypeFactory(Function<String, Message.Builder> typeFactory) {
      return this;
    }

    @Override
    public CelRuntimeBuilder setValueProvider(CelValueProvider celValueProvider) {
      return this;
    }

    @Override
    public CelValueProvider valueProvider() {
      return null;
    }

    @Override
    public CelRuntimeBuilder setStandardEnvironmentEnabled(boolean value) {
      return this;
    }

    @Override
    public CelRuntimeBuilder setStandardFunctions(CelStandardFunctions standardFunctions) {
      return this;
    }

    @Override
    public CelRuntimeBuilder addLibraries(CelRuntimeLibrary... libraries) {
      return this;
    }

    @Override
    public CelRuntimeBuilder addLibraries(Iterable<? extends CelRuntimeLibrary> libraries) {
      return this;
    }

    @Override
    public CelRuntimeBuilder setExtensionRegistry(ExtensionRegistry extensionRegistry) {
      return this;
    }

    @Override
    public CelRuntimeBuilder setContainer(CelContainer container) {
      return this;
    }

    @Override
    public CelRuntime build() {
      throw new UnsupportedOperationException("records bindings only");
    }
  }
}
