package org.amyterm.backup.contracts;

/** One smoke check of a restored database: what was checked, whether it passed, and what was seen. */
public record CheckResult(String name, boolean passed, String detail) {
    public CheckResult {
        Require.text(name, "name");
        detail = detail == null ? "" : detail;
    }

    public static CheckResult pass(String name, String detail) {
        return new CheckResult(name, true, detail);
    }

    public static CheckResult fail(String name, String detail) {
        return new CheckResult(name, false, detail);
    }
}
