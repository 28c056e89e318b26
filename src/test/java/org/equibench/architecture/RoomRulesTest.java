package org.equibench.architecture;

import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.EvaluationResult;
import org.junit.jupiter.api.Test;

/** The rooms of the harness keep their import rules; the same rules catch an upward import and a cycle on a fixture. */
class RoomRulesTest {
    private static final JavaClasses HARNESS = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("org.equibench");

    private static final JavaClasses FIXTURE = new ClassFileImporter().importPackages("org.equibench.architecture.fixture");

    @Test
    void roomsImportOnlyRoomsBelowThem() {
        RoomRules.layers("org.equibench").check(HARNESS);
    }

    @Test
    void noTwoPackagesImportEachOther() {
        RoomRules.noCycles("org.equibench").check(HARNESS);
    }

    @Test
    void anUpwardImportIsCaught() {
        EvaluationResult result = RoomRules.layers("org.equibench.architecture.fixture").evaluate(FIXTURE);
        assertThat(result.hasViolation()).isTrue();
        assertThat(result.getFailureReport().getDetails()).anySatisfy(line -> assertThat(line)
                .contains("fixture.data.Reader").contains("fixture.runner.Launcher"));
    }

    @Test
    void aCycleIsCaught() {
        EvaluationResult result = RoomRules.noCycles("org.equibench.architecture.fixture").evaluate(FIXTURE);
        assertThat(result.hasViolation()).isTrue();
        assertThat(String.join("\n", result.getFailureReport().getDetails())).contains("Cycle detected", "data", "runner");
    }
}
