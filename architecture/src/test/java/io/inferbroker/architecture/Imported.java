package io.inferbroker.architecture;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;

/** Every module's classes, imported once per test JVM for all the tests here (an import reads every class file of the build). */
final class Imported {
    /** Main and test classes of every module, without this module's own fixtures. */
    static final JavaClasses MAIN_AND_TESTS = new ClassFileImporter()
            .withImportOption(location -> !location.contains("/architecture/target/test-classes/"))
            .importPackages("io.inferbroker");

    /**
     * Main classes of every module, imported on their own: rules on who uses a class look at every
     * class imported with it, so filtering the tests out of the import above would not do.
     */
    static final JavaClasses MAIN = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.inferbroker");

    private Imported() {}
}
