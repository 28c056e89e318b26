package org.equibench.check;

import java.util.List;
import java.util.stream.Collectors;
import org.assertj.core.api.AbstractAssert;

/** The gate's assertion: every declared check passed; otherwise one message listing each failure. */
public final class EquivalenceAssert extends AbstractAssert<EquivalenceAssert, List<CheckOutcome>> {

    private EquivalenceAssert(List<CheckOutcome> outcomes) {
        super(outcomes, EquivalenceAssert.class);
    }

    public static EquivalenceAssert assertThat(List<CheckOutcome> outcomes) {
        return new EquivalenceAssert(outcomes);
    }

    public EquivalenceAssert allPassed() {
        isNotNull();
        if (actual.isEmpty()) {
            failWithMessage("%s: no equivalence checks were evaluated", descriptionText());
        }
        List<CheckOutcome> failed = actual.stream().filter(o -> !o.passed()).toList();
        if (!failed.isEmpty()) {
            failWithMessage("%s: %d of %d equivalence checks failed:%n%s", descriptionText(), failed.size(), actual.size(),
                    failed.stream().map(EquivalenceAssert::describe).collect(Collectors.joining("\n")));
        }
        return this;
    }

    static String describe(CheckOutcome o) {
        String measured = o.problem() != null ? o.problem() : o.metric() + " = " + o.value() + " against tolerance " + o.tolerance();
        return "  " + o.output() + " vs " + o.reference() + ": " + measured + " (tolerance reason: " + o.why() + ")";
    }
}
