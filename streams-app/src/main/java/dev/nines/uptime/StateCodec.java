package dev.nines.uptime;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * The framing every state value of this package shares: one format byte, then the body written
 * with {@link DataOutputStream}. The format byte lets a later version read (or refuse, loudly)
 * what an older one wrote into a state store; trailing bytes are refused too, so that a
 * mismatched reader cannot silently accept half a record.
 */
final class StateCodec {
  private StateCodec() {}

  interface Body {
    void write(DataOutputStream out) throws IOException;
  }

  interface Reader<T> {
    T read(DataInputStream in) throws IOException;
  }

  static byte[] write(byte format, Body body) {
    try {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      DataOutputStream out = new DataOutputStream(bytes);
      out.writeByte(format);
      body.write(out);
      out.flush();
      return bytes.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  interface FormatReader<T> {
    T read(DataInputStream in, byte format) throws IOException;
  }

  static <T> T read(byte[] data, byte format, String what, Reader<T> reader) {
    return read(data, format, format, what, (in, f) -> reader.read(in));
  }

  /** Reads any format from {@code oldest} to {@code newest}; the reader is told which. */
  static <T> T read(byte[] data, byte oldest, byte newest, String what, FormatReader<T> reader) {
    if (data == null || data.length == 0) {
      throw new IllegalArgumentException(what + ": no bytes to read");
    }
    if (data[0] < oldest || data[0] > newest) {
      throw new IllegalArgumentException(
          what
              + ": unknown format "
              + data[0]
              + " (this version reads formats "
              + oldest
              + " to "
              + newest
              + ")");
    }
    try {
      ByteArrayInputStream bytes = new ByteArrayInputStream(data, 1, data.length - 1);
      T value = reader.read(new DataInputStream(bytes), data[0]);
      if (bytes.available() != 0) {
        throw new IllegalArgumentException(
            what + ": " + bytes.available() + " bytes left over after the state");
      }
      return value;
    } catch (IOException e) {
      throw new IllegalArgumentException(what + ": truncated or corrupt state: " + e, e);
    }
  }
}
