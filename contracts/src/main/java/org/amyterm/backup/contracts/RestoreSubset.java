package org.amyterm.backup.contracts;

import java.util.List;

/**
 * What a selective restore restored: its {@code mode} ({@code subset}, into a new or empty database;
 * {@code into-schema}, into the new schema {@code intoSchema} of an existing database), the schemas,
 * tables and excluded tables the operator chose, the tables and views restored, and the objects left
 * out because they need something outside the subset (a foreign key to a table not restored, say).
 */
public record RestoreSubset(
        String mode,
        List<String> schemas,
        List<String> tables,
        List<String> excludeTables,
        String intoSchema,
        List<String> restored,
        List<String> leftOut) {

    public static final String SUBSET = "subset";
    public static final String INTO_SCHEMA = "into-schema";

    public RestoreSubset {
        Require.text(mode, "mode");
        schemas = schemas == null ? List.of() : List.copyOf(schemas);
        tables = tables == null ? List.of() : List.copyOf(tables);
        excludeTables = excludeTables == null ? List.of() : List.copyOf(excludeTables);
        restored = restored == null ? List.of() : List.copyOf(restored);
        leftOut = leftOut == null ? List.of() : List.copyOf(leftOut);
    }
}
