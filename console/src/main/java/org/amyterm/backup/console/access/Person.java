package org.amyterm.backup.console.access;

/** Who a page is shown to: their name, their role, and whether they may act. */
public record Person(String name, String role, boolean operator) {
}
