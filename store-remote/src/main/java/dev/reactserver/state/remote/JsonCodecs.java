package dev.reactserver.state.remote;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.reactserver.state.runtime.spi.StateCodec;
import dev.reactserver.state.runtime.spi.StateType;
import java.lang.reflect.Type;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * JSON codecs on Jackson, one per declared type (generic arguments included): primitives and their
 * boxes, {@code String}, enums, records, POJOs, arrays, lists and maps; whatever the given
 * {@link ObjectMapper} can read and write. Thread-safe; codecs are cached per type.
 */
public final class JsonCodecs {

  private final ObjectMapper mapper;
  private final ConcurrentHashMap<Type, StateCodec<?>> codecs = new ConcurrentHashMap<>();

  /**
   * Codecs on {@code mapper}, for example one with your modules registered
   * ({@code JavaTimeModule}…). Keep it strict, so that a stored value of another type fails to decode
   * rather than decoding into something else.
   */
  public JsonCodecs(ObjectMapper mapper) {
    this.mapper = Objects.requireNonNull(mapper, "mapper");
  }

  /**
   * Codecs on a strict mapper: unknown properties, floats read as integers, strings read as numbers
   * and trailing text fail to decode.
   */
  public static JsonCodecs strict() {
    return new JsonCodecs(JsonMapper.builder()
        .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
        .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
        .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
        .build());
  }

  /** The codec of a declared state type; a primitive type stands for its box (and so allows null). */
  @SuppressWarnings("unchecked")
  public <T> StateCodec<T> forType(StateType<T> type) {
    Type javaType = type.type() instanceof Class<?> ? type.rawType() : type.type();
    return (StateCodec<T>) forType(javaType);
  }

  /** The codec of a Java type, e.g. {@code Long.class} or a {@code ParameterizedType}. */
  public StateCodec<?> forType(Type type) {
    Objects.requireNonNull(type, "type");
    return codecs.computeIfAbsent(type, t -> new JsonCodec<>(mapper, mapper.constructType(t)));
  }

  private static final class JsonCodec<T> implements StateCodec<T> {
    private final JavaType type;
    private final ObjectWriter writer;
    private final ObjectReader reader;

    JsonCodec(ObjectMapper mapper, JavaType type) {
      this.type = type;
      this.writer = mapper.writerFor(type);
      this.reader = mapper.readerFor(type);
    }

    @Override
    public String encode(T value) {
      try {
        return writer.writeValueAsString(value);
      } catch (JsonProcessingException e) {
        throw new IllegalArgumentException("cannot write a " + value.getClass().getName() + " as JSON "
            + type + ": " + e.getOriginalMessage(), e);
      }
    }

    @Override
    public T decode(String text) {
      try {
        return reader.readValue(text);
      } catch (JsonProcessingException e) {
        throw new IllegalArgumentException("cannot read " + abbreviate(text) + " as " + type.toCanonical()
            + ": " + e.getOriginalMessage(), e);
      }
    }

    @Override
    public String toString() {
      return "JSON " + type.toCanonical();
    }
  }

  private static String abbreviate(String text) {
    return text.length() <= 80 ? text : text.substring(0, 77) + "...";
  }
}
