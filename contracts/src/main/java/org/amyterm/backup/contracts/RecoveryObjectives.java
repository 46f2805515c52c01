package org.amyterm.backup.contracts;

/**
 * The recovery objectives a database has when its configuration names none, defined once: the
 * backup service records them in each manifest and the notifier's watchdog judges by the same.
 */
public final class RecoveryObjectives {
    /** How old a database's newest stored backup may grow: a daily backup and two hours of slack. */
    public static final String DEFAULT_RPO = "26h";
    /** How long restoring a database may take. */
    public static final String DEFAULT_RTO = "4h";

    private RecoveryObjectives() {
    }
}
