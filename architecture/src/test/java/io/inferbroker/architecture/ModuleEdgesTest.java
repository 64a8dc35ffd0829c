package io.inferbroker.architecture;

import com.tngtech.archunit.lang.ArchRule;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every module's classes against {@link ModuleRules}. */
class ModuleEdgesTest {
    static Stream<ArchRule> edges() {
        return ModuleRules.EDGES.stream();
    }

    @ParameterizedTest
    @MethodSource("edges")
    void shouldHoldForTheMainCodeOfEveryModule(ArchRule rule) {
        rule.check(Imported.MAIN);
    }

    @Test
    void shouldKeepInternalClassesPackagePrivateUnlessAnotherPackageUsesThem() {
        ModuleRules.internalClassesArePublicOnlyWhenUsedFromAnotherPackage(ModuleRules.MAIN_CODE)
                .check(Imported.MAIN_AND_TESTS);
    }
}
