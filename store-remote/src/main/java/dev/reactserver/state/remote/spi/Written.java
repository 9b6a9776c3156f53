package dev.reactserver.state.remote.spi;

/**
 * The outcome of one write on the server.
 *
 * @param oldValue the encoded value before the write
 * @param newValue the encoded value after it
 * @param version the state's version after it
 */
public record Written(String oldValue, String newValue, long version) {}
