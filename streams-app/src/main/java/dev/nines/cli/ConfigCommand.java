package dev.nines.cli;

import dev.nines.config.ConfigLoader;
import dev.nines.config.ConfigReference;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Prints the effective configuration, key by key with the layer each value came from, secrets
 * hidden: what an operator checks when a container's environment does not do what they meant.
 */
@Command(
    name = "config",
    mixinStandardHelpOptions = true,
    description = {
      "Print the effective configuration (defaults < file < environment < flags), "
          + "each key with where its value came from; secrets are shown as [hidden].",
      "Starts nothing and connects to nothing.",
      "With --reference: print the configuration reference (every key with its values, "
          + "default, environment variable and meaning) as Markdown."
    })
final class ConfigCommand implements Callable<Integer> {
  @Mixin ConfigOptions options;

  @Spec CommandSpec spec;

  @Option(
      names = "--reference",
      description = "Print the configuration reference (docs/configuration.md) and exit.")
  boolean reference;

  @Override
  public Integer call() {
    var out = spec.commandLine().getOut();
    if (reference) {
      out.print(ConfigReference.markdown());
      out.flush();
      return 0;
    }
    for (ConfigLoader.Entry e : options.effective(Map.of())) {
      out.println(e.key() + " = " + e.shownValue() + "   (" + e.source() + ")");
    }
    out.flush();
    return 0;
  }
}
