package io.inferbroker.architecture;

import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.EvaluationResult;
import io.inferbroker.dispatcher.fixture.ServesHttp;
import io.inferbroker.dispatcher.internal.StreamsProps;
import io.inferbroker.replay.fixture.QueriesPostgres;
import io.inferbroker.store.internal.fixture.NeedlesslyPublic;
import io.inferbroker.worker.fixture.ReachesIntoTheDispatcher;
import io.inferbroker.worker.fixture.RunsKafkaStreams;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The rules catch deliberate violations (the fixtures in this module's tests), and see every module. */
class ModuleRulesTest {
    private static final JavaClasses FIXTURES = new ClassFileImporter()
            .importClasses(
                    ReachesIntoTheDispatcher.class,
                    StreamsProps.class,
                    RunsKafkaStreams.class,
                    ServesHttp.class,
                    QueriesPostgres.class,
                    NeedlesslyPublic.class);

    @Test
    void shouldRefuseARoleThatUsesAnotherRole() {
        assertViolatedBy(ModuleRules.MODULES_USE_ONLY_THEIR_DEPENDENCIES, ReachesIntoTheDispatcher.class);
    }

    @Test
    void shouldRefuseAModuleThatReachesIntoAnothersInternals() {
        assertViolatedBy(ModuleRules.NO_MODULE_REACHES_INTO_ANOTHERS_INTERNALS, ReachesIntoTheDispatcher.class);
    }

    @Test
    void shouldRefuseKafkaStreamsOutsideTheDispatcher() {
        assertViolatedBy(ModuleRules.KAFKA_STREAMS_STAYS_IN_THE_DISPATCHER, RunsKafkaStreams.class);
    }

    @Test
    void shouldRefuseJavalinOutsideTheIngress() {
        assertViolatedBy(ModuleRules.JAVALIN_STAYS_IN_THE_INGRESS, ServesHttp.class);
    }

    @Test
    void shouldRefusePostgresOutsideTheStore() {
        assertViolatedBy(ModuleRules.THE_DATABASE_STAYS_IN_THE_STORE, QueriesPostgres.class);
    }

    @Test
    void shouldRefuseAPublicInternalClassThatOnlyItsOwnPackageUses() {
        assertViolatedBy(
                ModuleRules.internalClassesArePublicOnlyWhenUsedFromAnotherPackage(DescribedPredicate.alwaysTrue()),
                NeedlesslyPublic.class);
    }

    @Test
    void shouldSeeTheMainClassesOfEveryModule() {
        JavaClasses main = Imported.MAIN;
        Set<String> modules = main.stream()
                .map(ModuleRules::module)
                .flatMap(java.util.Optional::stream)
                .collect(Collectors.toSet());
        assertThat(modules).containsExactlyInAnyOrderElementsOf(ModuleRules.MODULES);
        assertThat(main.stream().map(JavaClass::getName)).noneMatch(n -> n.contains(".fixture."));
    }

    private static void assertViolatedBy(ArchRule rule, Class<?> culprit) {
        EvaluationResult result = rule.evaluate(FIXTURES);
        assertThat(result.hasViolation()).as(rule.getDescription()).isTrue();
        assertThat(result.getFailureReport().getDetails()).anyMatch(line -> line.contains(culprit.getName()));
    }
}
