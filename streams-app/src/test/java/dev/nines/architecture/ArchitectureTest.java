package dev.nines.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.library.dependencies.SliceAssignment;
import com.tngtech.archunit.library.dependencies.SliceIdentifier;
import java.util.Arrays;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The layers of docs/design/layers.md, checked on the main bytecode: no package cycle, pure
 * cores, a configuration that knows only the cores' policy records, an event-time engine that
 * knows no feature, and a command line that nothing else uses.
 */
public class ArchitectureTest {
  /** The rules of each feature, in plain code. */
  static final String[] CORES = {
    "dev.nines.health",
    "dev.nines.ingest",
    "dev.nines.routing",
    "dev.nines.uptime",
    "dev.nines.credits"
  };

  /** What a core may use besides its own package and the other cores. */
  static final String[] CORE_MAY_USE = {
    "java..",
    "dev.nines.schema..",
    "dev.nines.model..",
    "org.apache.avro..",
    "com.datadoghq.sketch..",
    "org.slf4j.."
  };

  static JavaClasses main;

  @BeforeAll
  static void importMainClasses() {
    main =
        new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .withImportOption(location -> !location.contains("/jmh_generated/"))
            .importPackages("dev.nines");
  }

  @Test
  void noPackageDependsOnItselfThroughOthers() {
    slices().assignedFrom(EVERY_PACKAGE).should().beFreeOfCycles().check(main);
  }

  @Test
  void theCoresUseNoKafkaNoConfigurationAndNoOtherLayer() {
    classes()
        .that()
        .resideInAnyPackage(CORES)
        .should()
        .onlyDependOnClassesThat()
        .resideInAnyPackage(concat(CORES, CORE_MAY_USE))
        .check(main);
  }

  @Test
  void theConfigurationKnowsOnlyTheTopicsAndTheCoresPolicyRecords() {
    classes()
        .that()
        .resideInAPackage("dev.nines.config")
        .should()
        .onlyDependOnClassesThat()
        .resideInAnyPackage(
            concat(
                CORES,
                "dev.nines.config",
                "dev.nines",
                "dev.nines.schema..",
                "java..",
                "com.fasterxml.jackson..",
                "org.apache.kafka.clients..",
                "org.apache.kafka.common..",
                "org.apache.kafka.streams"))
        .check(main);
  }

  @Test
  void theEventTimeEngineKnowsNoFeature() {
    classes()
        .that()
        .resideInAPackage("dev.nines.eventtime")
        .should()
        .onlyDependOnClassesThat()
        .resideInAnyPackage(
            "dev.nines.eventtime", "dev.nines.serde", "java..", "org.apache.kafka..", "org.slf4j..")
        .check(main);
  }

  @Test
  void theTopicContractAndTheModelReadNoConfiguration() {
    noClasses()
        .that()
        .resideInAnyPackage(
            "dev.nines", "dev.nines.model", "dev.nines.serde", "dev.nines.eventtime")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("dev.nines.config..")
        .check(main);
  }

  @Test
  void onlyTheCommandLineUsesTheCommandLine() {
    // the tools (platform, simulator, benchmarks) are other Maven modules: Maven keeps the
    // product from depending on them; the tools module's ToolsArchitectureTest checks them
    noClasses()
        .that()
        .resideOutsideOfPackages("dev.nines.cli..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("dev.nines.cli..")
        .check(main);
  }

  /** Each package of nines its own slice (the generated Avro classes left out). */
  public static final SliceAssignment EVERY_PACKAGE =
      new SliceAssignment() {
        @Override
        public SliceIdentifier getIdentifierOf(JavaClass c) {
          String p = c.getPackageName();
          return (p.equals("dev.nines") || p.startsWith("dev.nines."))
                  && !p.startsWith("dev.nines.schema")
              ? SliceIdentifier.of(p)
              : SliceIdentifier.ignore();
        }

        @Override
        public String getDescription() {
          return "the packages of nines";
        }
      };

  static String[] concat(String[] a, String... b) {
    String[] out = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
