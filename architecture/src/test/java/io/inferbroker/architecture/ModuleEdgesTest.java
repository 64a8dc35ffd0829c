package io.inferbroker.architecture;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every module's classes against {@link ModuleRules}. */
class ModuleEdgesTest {
    private static JavaClasses main;
    private static JavaClasses mainAndTests;

    @BeforeAll
    static void importClasses() {
        main = mainClasses();
        mainAndTests = new ClassFileImporter()
                .withImportOption(location -> !location.contains("/architecture/target/test-classes/"))
                .importPackages("io.inferbroker");
    }

    static JavaClasses mainClasses() {
        return new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("io.inferbroker");
    }

    static Stream<ArchRule> edges() {
        return ModuleRules.EDGES.stream();
    }

    @ParameterizedTest
    @MethodSource("edges")
    void shouldHoldForTheMainCodeOfEveryModule(ArchRule rule) {
        rule.check(main);
    }

    @Test
    void shouldKeepInternalClassesPackagePrivateUnlessAnotherPackageUsesThem() {
        ModuleRules.internalClassesArePublicOnlyWhenUsedFromAnotherPackage(ModuleRules.MAIN_CODE)
                .check(mainAndTests);
    }
}
