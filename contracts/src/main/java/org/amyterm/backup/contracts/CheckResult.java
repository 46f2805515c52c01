package org.amyterm.backup.contracts;

/**
 * One check of a restored database: what was checked, whether it passed, what was seen, and how
 * long it took ({@code millis}; null in results recorded before checks were timed).
 */
public record CheckResult(String name, boolean passed, String detail, Long millis) {
    public CheckResult {
        Require.text(name, "name");
        detail = detail == null ? "" : detail;
    }

    /** A result as recorded before checks were timed. */
    public CheckResult(String name, boolean passed, String detail) {
        this(name, passed, detail, null);
    }

    public static CheckResult pass(String name, String detail) {
        return new CheckResult(name, true, detail);
    }

    public static CheckResult fail(String name, String detail) {
        return new CheckResult(name, false, detail);
    }

    /** This result, timed. */
    public CheckResult took(long millis) {
        return new CheckResult(name, passed, detail, millis);
    }
}
