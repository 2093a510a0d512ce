package dev.nines.cli;

import dev.nines.config.NinesConfig;
import dev.nines.platform.Platform;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.ServiceLoader;

/**
 * What a development build adds to the command line: the embedded broker and registry, the
 * simulated traffic of {@code run}, and the tools' commands ({@code platform}, {@code simulate},
 * {@code bench}). The deployed jar has none, so it runs against an existing cluster only; {@code
 * ./nines} runs the tools' jar, which provides one through {@link ServiceLoader}.
 */
public interface DevTools {

  /** The tools' subcommands (picocli command classes), added after the product's. */
  List<Class<?>> commands();

  /** Starts the embedded broker(s) and registry that {@code config.platform()} describes. */
  Platform startEmbedded(NinesConfig config);

  /** Replays the end of the previous month into the platform, so that it closes at once. */
  void prelude(NinesConfig config, Platform platform, Instant now);

  /** Feeds live simulated traffic until closed. */
  AutoCloseable startLive(NinesConfig config, Platform platform);

  /** The development tools on the class path, if any. */
  static Optional<DevTools> find() {
    return ServiceLoader.load(DevTools.class).findFirst();
  }

  /** The development tools, or the one-line reason why {@code what} cannot run here. */
  static DevTools require(String what) {
    return find()
        .orElseThrow(
            () ->
                new Main.UserError(
                    what
                        + " needs the embedded platform, which the deployed nines jar does not"
                        + " carry: give --bootstrap-servers and --schema-registry-url, or use"
                        + " ./nines from a source checkout"));
  }
}
