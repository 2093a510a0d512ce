package dev.nines.cli;

import dev.nines.config.ConfigException;
import dev.nines.serde.AvroSerde;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.Properties;
import org.apache.kafka.clients.producer.KafkaProducer;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code nines} command line. Every failure that is the user's to fix is one line. */
@Command(
    name = "nines",
    mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    description = "Keeps a communications platform at four or five nines, and proves it.",
    subcommands = {
      RunCommand.class,
      ReplayCommand.class,
      ConfigCommand.class,
      StatusCommand.class,
      TailCommand.class
    })
public final class Main implements Runnable {

  public static void main(String[] args) {
    // before anything decodes Avro (see there)
    AvroSerde.limitDeclaredLengths();
    Logs.fromEnvironment(System.getenv());
    System.exit(execute(args));
  }

  /** Runs the command line and returns its exit code (tests call this rather than main). */
  public static int execute(String... args) {
    return execute(null, null, args);
  }

  /**
   * As {@link #execute(String...)}, with the command's own output and error streams (null: the
   * process's); commands that write through their CommandSpec use them (tests capture them).
   */
  public static int execute(PrintWriter out, PrintWriter err, String... args) {
    CommandLine cmd = new CommandLine(new Main());
    DevTools.find().ifPresent(tools -> tools.commands().forEach(cmd::addSubcommand));
    cmd.addSubcommand(AutoComplete.GenerateCompletion.class);
    cmd.addSubcommand(CommandLine.HelpCommand.class);
    if (out != null) {
      cmd.setOut(out);
    }
    if (err != null) {
      cmd.setErr(err);
    }
    cmd.setParameterExceptionHandler(
        (ex, a) -> {
          CommandLine c = ex.getCommandLine();
          c.getErr()
              .println(
                  "nines: "
                      + ex.getMessage()
                      + " (see '"
                      + c.getCommandSpec().qualifiedName()
                      + " --help')");
          return 2;
        });
    cmd.setExecutionExceptionHandler(
        (ex, c, parsed) -> {
          if (ex instanceof ConfigException || ex instanceof UserError) {
            c.getErr().println("nines: " + ex.getMessage());
            return 2;
          }
          if (ex instanceof IllegalStateException) {
            // start-up problems we diagnosed ourselves (busy port, unreachable cluster, ...)
            c.getErr().println("nines: " + ex.getMessage());
            return 1;
          }
          throw ex;
        });
    return cmd.execute(args);
  }

  @Override
  public void run() {
    new CommandLine(this).usage(System.out);
  }

  /** A mistake in how the program was called, stated in one line. */
  public static final class UserError extends RuntimeException {
    public UserError(String message) {
      super(message);
    }
  }

  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = Main.class.getPackage().getImplementationVersion();
      return new String[] {
        "nines " + (v == null ? "(development build)" : v) + ", Kafka " + kafkaVersion()
      };
    }

    /** The clients' version as their jar states it (the class that reads it is internal). */
    static String kafkaVersion() {
      try (var in = KafkaProducer.class.getResourceAsStream("/kafka/kafka-version.properties")) {
        Properties p = new Properties();
        if (in != null) {
          p.load(in);
        }
        return p.getProperty("version", "unknown");
      } catch (IOException e) {
        return "unknown";
      }
    }
  }
}
