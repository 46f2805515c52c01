package org.amyterm.backup.contracts;

import java.util.function.Predicate;

/** Decides whether a failed attempt is worth repeating: only stage failures whose reason says so. */
public final class IsRetryable implements Predicate<Throwable> {
    @Override
    public boolean test(Throwable failure) {
        return failure instanceof StageException stageFailure && stageFailure.isRetryable();
    }
}
