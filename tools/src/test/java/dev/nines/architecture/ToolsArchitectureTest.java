package dev.nines.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The layers of docs/design/layers.md across all modules: no package cycle through the
 * platform and tools either, and the embedded platform knows none of the tools.
 */
class ToolsArchitectureTest {
  static JavaClasses all;

  @BeforeAll
  static void importAllMainClasses() {
    all =
        new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TEST_FIXTURES)
            .withImportOption(location -> !location.contains("/jmh_generated/"))
            .withImportOption(location -> !location.contains("-tests.jar"))
            .importPackages("dev.nines");
  }

  @Test
  void noPackageDependsOnItselfThroughOthers() {
    slices().assignedFrom(ArchitectureTest.EVERY_PACKAGE).should().beFreeOfCycles().check(all);
  }

  @Test
  void thePlatformKnowsNoneOfTheTools() {
    noClasses()
        .that()
        .resideInAnyPackage("dev.nines.platform..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("dev.nines.tools..", "dev.nines.bench..", "dev.nines.simulate..")
        .check(all);
  }
}
