package org.amyterm.backup.verifier.checks;

import java.util.function.Supplier;
import org.amyterm.backup.contracts.CheckResult;

/** Runs one check and records how long it took in its result (the evidence times every check). */
final class Timed {
    private Timed() {
    }

    static CheckResult check(Supplier<CheckResult> check) {
        long started = System.nanoTime();
        CheckResult result = check.get();
        return result.took((System.nanoTime() - started) / 1_000_000);
    }
}
