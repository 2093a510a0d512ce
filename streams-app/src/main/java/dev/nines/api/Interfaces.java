package dev.nines.api;

import dev.nines.Topic;
import dev.nines.Topics;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificData;

/**
 * The machine-readable descriptions of nines' interfaces, served as they are checked in: the
 * OpenAPI document of this server, the AsyncAPI document of the topics, and the Avro schema of
 * each topic's values that the AsyncAPI document refers to.
 */
final class Interfaces {
  private Interfaces() {}

  static final String YAML = "application/yaml; charset=utf-8";

  private static final String OPENAPI = resource("openapi.yaml");
  private static final String ASYNCAPI = resource("asyncapi.yaml");

  static ApiServer.Reply openApi() {
    return new ApiServer.Reply(200, YAML, OPENAPI, null);
  }

  static ApiServer.Reply asyncApi() {
    return new ApiServer.Reply(200, YAML, ASYNCAPI, null);
  }

  /** {@code DeliveryReceipt.avsc}: the schema of a topic's values, as registered. */
  static ApiServer.Reply schema(String file) {
    for (Topic<?> t : Topics.ALL) {
      if (t.valueType() != null && file.equals(t.valueType().getSimpleName() + ".avsc")) {
        return new ApiServer.Reply(200, ApiServer.JSON, schemaOf(t).toString(true), null);
      }
    }
    return ApiServer.Reply.error(
        404,
        "no schema '"
            + file
            + "': expected one of "
            + Topics.ALL.stream()
                .filter(t -> t.valueType() != null)
                .map(t -> t.valueType().getSimpleName() + ".avsc")
                .toList());
  }

  private static Schema schemaOf(Topic<?> t) {
    return SpecificData.get().getSchema(t.valueType());
  }

  private static String resource(String name) {
    try (InputStream in = Interfaces.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException("missing resource dev/nines/api/" + name);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
