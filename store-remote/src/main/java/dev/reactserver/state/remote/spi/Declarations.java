package dev.reactserver.state.remote.spi;

import dev.reactserver.state.remote.JsonCodecs;
import dev.reactserver.state.runtime.StateCodecException;
import dev.reactserver.state.runtime.StateException;
import dev.reactserver.state.runtime.StateId;
import dev.reactserver.state.runtime.StateTypeException;
import dev.reactserver.state.runtime.spi.StateCodec;
import dev.reactserver.state.runtime.spi.StateDeclaration;
import dev.reactserver.state.runtime.spi.StateType;
import java.lang.System.Logger.Level;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What a {@link RemoteStore} knows of declared types: the codec each declaration and stored type reads
 * with, the check that a state's stored declaration agrees with the one a handle binds (adopting it
 * where the state was created without one, or resetting an undecodable value when configured to), and
 * the encoding and decoding of values that names the state when it fails.
 */
final class Declarations {

  private static final System.Logger LOG = System.getLogger("dev.reactserver.state");

  private final RemoteStore store;
  private final JsonCodecs codecs;
  private final boolean resetUndecodable;
  /** Declarations this node has bound, by their stored form: codecs for snapshots and changes. */
  private final ConcurrentHashMap<String, StateType<?>> declaredTypes = new ConcurrentHashMap<>();

  Declarations(RemoteStore store, JsonCodecs codecs, boolean resetUndecodable) {
    this.store = store;
    this.codecs = codecs;
    this.resetUndecodable = resetUndecodable;
  }

  /** The codec of values of {@code declaration}'s type, remembered for snapshots of such states. */
  <T> StateCodec<T> register(StateDeclaration<T> declaration) {
    declaredTypes.putIfAbsent(StoredDeclaration.encode(declaration), declaration.type());
    return codecs.forType(declaration.type());
  }

  /** The codec of an untyped state's values, of class {@code type}. */
  StateCodec<?> forClass(Class<?> type) {
    return codecs.forType(type);
  }

  void check(RemoteStateRef<?> ref, StoredState stored) {
    StateSeed seed = ref.seed;
    for (int attempt = 0; ; attempt++) {
      if (seed.declaration().isEmpty()
          || stored.type().equals(seed.type()) && !stored.declaration().isEmpty()) {
        return;
      }
      boolean untyped = stored.declaration().isEmpty();
      if (!untyped && !sameField(stored.declaration(), seed.declaration())) {
        throw new StateTypeException(seed.id(), StoredDeclaration.describe(stored.declaration()), ref.declaration);
      }
      // Created without a declaration (recorded now, so that a conflicting one is named later), or this
      // very field's type changed since: adopt the declaration if the value fits it.
      String reset = null;
      try {
        ref.codec.decode(stored.value());
      } catch (IllegalArgumentException e) {
        if (untyped) {
          throw new StateTypeException(seed.id(), "a value created without a declaration as "
              + stored.type(), ref.declaration);
        }
        if (!resetUndecodable) {
          throw new StateCodecException(seed.id(), stored.type(), seed.type(), e);
        }
        LOG.log(Level.WARNING, "state " + seed.id() + " was stored as " + stored.type() + " and is reset"
            + " to its initial value as " + seed.type(), e);
        reset = seed.initial();
      }
      if (store.redeclare(seed.id(), stored.version(), seed.declaration(), seed.type(), reset)) {
        return;
      }
      if (attempt >= RetryPolicy.RECREATE_ATTEMPTS) {
        throw new StateException("state " + seed.id() + " kept changing while it was declared again");
      }
      stored = store.loadHandle(ref);
    }
  }

  /** Whether two stored declarations name the same field; one this version cannot read never does. */
  private static boolean sameField(String existing, String declaration) {
    StoredDeclaration stored = StoredDeclaration.decode(existing);
    StoredDeclaration bound = StoredDeclaration.decode(declaration);
    return stored != null && bound != null && stored.sameField(bound);
  }

  <T> T decode(RemoteStateRef<T> ref, String value) {
    try {
      return ref.codec.decode(value);
    } catch (IllegalArgumentException e) {
      StoredState stored = store.state(ref.id());
      String storedType = stored == null ? "?" : stored.type();
      if (!resetUndecodable || stored == null) {
        throw new StateCodecException(ref.id(), storedType, ref.seed.type(), e);
      }
      LOG.log(Level.WARNING, "state " + ref.id() + " was stored as " + storedType + " and is reset to"
          + " its initial value as " + ref.seed.type(), e);
      store.redeclare(ref.id(), stored.version(), ref.seed.declaration(), ref.seed.type(), ref.seed.initial());
      return ref.initial;
    }
  }

  static <T> String encode(StateId id, StateCodec<T> codec, T value) {
    try {
      return codec.encode(value);
    } catch (IllegalArgumentException e) {
      throw new StateException("state " + id + " cannot store its value: " + e.getMessage(), e);
    }
  }

  /**
   * The class values of a state created without a declaration are read back as: the initial value's
   * own class where JSON can create it, else what JSON reads naturally (lists, maps, numbers).
   */
  static Class<?> untypedClass(Object initial) {
    if (initial == null) {
      return Object.class;
    }
    Class<?> type = initial.getClass();
    if (type.isEnum() || type.getSuperclass() != null && type.getSuperclass().isEnum()) {
      return ((Enum<?>) initial).getDeclaringClass();
    }
    if (type.getName().startsWith("java.") && !(initial instanceof String || initial instanceof Number
        || initial instanceof Boolean || initial instanceof Character)) {
      return Object.class;
    }
    return type;
  }

  StateCodec<?> codecFor(String declaration, String type) {
    StateType<?> declared = declaration.isEmpty() ? null : declaredTypes.get(declaration);
    if (declared != null) {
      return codecs.forType(declared);
    }
    if (!type.contains("<") && !type.contains("[")) {
      try {
        return codecs.forType(Class.forName(type, false, RemoteStore.class.getClassLoader()));
      } catch (ClassNotFoundException | LinkageError e) {
        // a type of another application version: read it as plain JSON below
      }
    }
    return codecs.forType(Object.class);
  }
}
