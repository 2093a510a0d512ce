package dev.nines.tools;

import dev.nines.cli.DevTools;
import dev.nines.config.NinesConfig;
import dev.nines.platform.Platform;
import dev.nines.platform.local.LocalPlatform;
import java.time.Instant;
import java.util.List;

/** The development tools of {@code ./nines}: embedded platform, simulator, benchmarks. */
public final class EmbeddedTools implements DevTools {

  @Override
  public List<Class<?>> commands() {
    return List.of(PlatformCommand.class, SimulateCommand.class, BenchCommand.class);
  }

  @Override
  public Platform startEmbedded(NinesConfig config) {
    return LocalPlatform.start(config);
  }

  @Override
  public void prelude(NinesConfig config, Platform platform, Instant now) {
    SimulateCommand.prelude(config, platform, now);
  }

  @Override
  public AutoCloseable startLive(NinesConfig config, Platform platform) {
    return SimulateCommand.startLive(config, platform);
  }
}
