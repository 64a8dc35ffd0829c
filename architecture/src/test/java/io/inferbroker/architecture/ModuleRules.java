package io.inferbroker.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.Dependency;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.kafka.common.Configurable;

/**
 * The edges between the modules. Each module owns the packages under {@code io.inferbroker.<name>};
 * what it keeps to itself lives in {@code io.inferbroker.<name>.internal}.
 */
final class ModuleRules {
    static final String ROOT = "io.inferbroker.";

    private ModuleRules() {}

    /** Every module by its package under {@code io.inferbroker}, each after the ones it may use. */
    static final List<String> MODULES = List.of(
            "schemas",
            "embedded",
            "testkit",
            "store.api",
            "store",
            "replay",
            "dispatcher",
            "worker",
            "ingress",
            "launcher",
            "bench");

    /** Holders of constants: javac copies a constant into its users, which then do not name the class. */
    static final DescribedPredicate<JavaClass> HOLD_ONLY_CONSTANTS = DescribedPredicate.describe(
            "hold only constants",
            c -> !c.getFields().isEmpty()
                    && c.getMethods().isEmpty()
                    && c.getFields().stream()
                            .allMatch(f ->
                                    f.getModifiers().containsAll(Set.of(JavaModifier.STATIC, JavaModifier.FINAL))));

    /** Classes compiled from {@code src/main}, not tests. */
    static final DescribedPredicate<JavaClass> MAIN_CODE = DescribedPredicate.describe(
            "are main code",
            c -> c.getSource()
                    .map(source -> !source.getUri().toString().contains("/test-classes/"))
                    .orElse(true));

    /**
     * Which module may use which. The roles (dispatcher, worker, ingress, store) and the replay
     * library never use the launcher or each other: the ingress and the replay reach the store only
     * through its front door ({@code store-api}), and the ingress starts replays through replay's
     * public package; only the launcher wires roles together, and only the benchmarks drive it.
     */
    static final ArchRule MODULES_USE_ONLY_THEIR_DEPENDENCIES = layeredArchitecture()
            .consideringOnlyDependenciesInLayers()
            .withOptionalLayers(true)
            .layer("schemas")
            .definedBy(ROOT + "schemas..")
            .layer("embedded")
            .definedBy(ROOT + "embedded..")
            .layer("testkit")
            .definedBy(ROOT + "testkit..")
            .layer("store.api")
            .definedBy(ROOT + "store.api..")
            .layer("store")
            .definedBy(ROOT + "store", ROOT + "store.internal..")
            .layer("replay")
            .definedBy(ROOT + "replay..")
            .layer("dispatcher")
            .definedBy(ROOT + "dispatcher..")
            .layer("worker")
            .definedBy(ROOT + "worker..")
            .layer("ingress")
            .definedBy(ROOT + "ingress..")
            .layer("launcher")
            .definedBy(ROOT + "launcher..")
            .layer("bench")
            .definedBy(ROOT + "bench..")
            .whereLayer("bench")
            .mayNotBeAccessedByAnyLayer()
            .whereLayer("launcher")
            .mayOnlyBeAccessedByLayers("bench")
            .whereLayer("ingress")
            .mayOnlyBeAccessedByLayers("launcher", "bench")
            .whereLayer("dispatcher")
            .mayOnlyBeAccessedByLayers("launcher", "bench")
            .whereLayer("worker")
            .mayOnlyBeAccessedByLayers("launcher", "bench")
            .whereLayer("replay")
            .mayOnlyBeAccessedByLayers("ingress", "launcher", "bench")
            .whereLayer("store")
            .mayOnlyBeAccessedByLayers("launcher", "bench")
            .whereLayer("store.api")
            .mayOnlyBeAccessedByLayers("store", "replay", "ingress", "launcher", "bench")
            .whereLayer("testkit")
            .mayOnlyBeAccessedByLayers("bench")
            .whereLayer("embedded")
            .mayOnlyBeAccessedByLayers("testkit", "launcher", "bench")
            .whereLayer("schemas")
            .mayOnlyBeAccessedByLayers(MODULES.subList(1, MODULES.size()).toArray(String[]::new));

    /** A module's {@code internal} packages are its own: other modules go through its public types. */
    static final ArchRule NO_MODULE_REACHES_INTO_ANOTHERS_INTERNALS = noClasses()
            .should(reachIntoAnotherModulesInternals())
            .because("a module's internal package can change without notice; use its public types");

    /**
     * A public class in an internal package is there for its module's other packages; one that
     * only its own package uses, in main or test code, is package-private. Classes that Kafka clients
     * instantiate by name from their settings ({@link Configurable}) and holders of constants stay public.
     */
    static ArchRule internalClassesArePublicOnlyWhenUsedFromAnotherPackage(DescribedPredicate<JavaClass> subjects) {
        return classes()
                .that(subjects)
                .and()
                .resideInAPackage(ROOT + "*.internal..")
                .and()
                .haveModifier(JavaModifier.PUBLIC)
                .and()
                .areTopLevelClasses()
                .and()
                .areNotAssignableTo(Configurable.class)
                .and(DescribedPredicate.not(HOLD_ONLY_CONSTANTS))
                .should(beUsedFromAnotherPackage())
                .allowEmptyShould(true);
    }

    /** Kafka Streams is the dispatcher's engine; the dispatcher benchmark drives its topology. */
    static final ArchRule KAFKA_STREAMS_STAYS_IN_THE_DISPATCHER =
            onlyIn("org.apache.kafka.streams..", ROOT + "dispatcher..", ROOT + "bench.dispatch..");

    /** The HTTP server is the ingress's; the ingress benchmark measures a bare Javalin beside it. */
    static final ArchRule JAVALIN_STAYS_IN_THE_INGRESS = onlyIn("io.javalin..", ROOT + "ingress..", ROOT + "bench..");

    static final ArchRule JETTY_SERVER_STAYS_IN_THE_INGRESS = onlyIn("org.eclipse.jetty.server..", ROOT + "ingress..");

    /** PostgreSQL access (Jdbi, HikariCP, Flyway) belongs to the store. */
    static final ArchRule THE_DATABASE_STAYS_IN_THE_STORE = noClasses()
            .that()
            .resideOutsideOfPackage(ROOT + "store..")
            .should()
            .dependOnClassesThat()
            .resideInAnyPackage("org.jdbi..", "com.zaxxer.hikari..", "org.flywaydb..")
            .because("only the store talks to PostgreSQL");

    /** The rules on what main code may use (the visibility rule above also counts tests as users). */
    static final List<ArchRule> EDGES = List.of(
            MODULES_USE_ONLY_THEIR_DEPENDENCIES,
            NO_MODULE_REACHES_INTO_ANOTHERS_INTERNALS,
            KAFKA_STREAMS_STAYS_IN_THE_DISPATCHER,
            JAVALIN_STAYS_IN_THE_INGRESS,
            JETTY_SERVER_STAYS_IN_THE_INGRESS,
            THE_DATABASE_STAYS_IN_THE_STORE);

    private static ArchRule onlyIn(String library, String... owners) {
        return noClasses()
                .that()
                .resideOutsideOfPackages(owners)
                .should()
                .dependOnClassesThat()
                .resideInAPackage(library)
                .because(library + " belongs to " + String.join(", ", owners));
    }

    /** The module of a class: the package segment after {@code io.inferbroker} ({@code store.api} for the store's front door). */
    static Optional<String> module(JavaClass c) {
        String name = c.getPackageName();
        if (!name.startsWith(ROOT)) {
            return Optional.empty();
        }
        if (name.equals(ROOT + "store.api") || name.startsWith(ROOT + "store.api.")) {
            return Optional.of("store.api");
        }
        int end = name.indexOf('.', ROOT.length());
        return Optional.of(end < 0 ? name.substring(ROOT.length()) : name.substring(ROOT.length(), end));
    }

    private static boolean isInternal(JavaClass c) {
        return module(c).isPresent()
                && c.getPackageName().startsWith(ROOT + module(c).get() + ".internal");
    }

    private static ArchCondition<JavaClass> reachIntoAnotherModulesInternals() {
        return new ArchCondition<>("reach into another module's internal package") {
            @Override
            public void check(JavaClass origin, ConditionEvents events) {
                for (Dependency d : origin.getDirectDependenciesFromSelf()) {
                    JavaClass target = d.getTargetClass();
                    if (isInternal(target) && !module(target).equals(module(origin))) {
                        events.add(SimpleConditionEvent.satisfied(origin, d.getDescription()));
                    }
                }
            }
        };
    }

    private static ArchCondition<JavaClass> beUsedFromAnotherPackage() {
        return new ArchCondition<>("be used from another package (else be package-private)") {
            @Override
            public void check(JavaClass c, ConditionEvents events) {
                events.add(new SimpleConditionEvent(
                        c,
                        usedFromAnotherPackage(c),
                        c.getName() + " is public but only package " + c.getPackageName() + " uses it"));
            }
        };
    }

    /**
     * Whether code of another package uses the class, one of its nested classes, or a constructor or
     * method whose signature names it (a lambda passed from elsewhere leaves no other trace).
     */
    private static boolean usedFromAnotherPackage(JavaClass c) {
        String home = c.getPackageName();
        Stream<JavaClass> family = c.getPackage().getClasses().stream()
                .filter(n -> n.equals(c) || n.getName().startsWith(c.getName() + "$"));
        return family.anyMatch(member -> member.getDirectDependenciesToSelf().stream()
                        .anyMatch(d -> !d.getOriginClass().getPackageName().equals(home)))
                || Stream.of(
                                c.getConstructorsWithParameterTypeOfSelf(),
                                c.getMethodsWithParameterTypeOfSelf(),
                                c.getMethodsWithReturnTypeOfSelf())
                        .flatMap(Set::stream)
                        .flatMap(unit -> unit.getAccessesToSelf().stream())
                        .anyMatch(access ->
                                !access.getOriginOwner().getPackageName().equals(home));
    }
}
