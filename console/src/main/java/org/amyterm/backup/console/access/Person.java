package org.amyterm.backup.console.access;

import org.amyterm.backup.contracts.ApiRoles;
import org.eclipse.microprofile.jwt.JsonWebToken;

/** Who a page is shown to: their name, their role, and whether they may act. */
public record Person(String name, String role, boolean operator) {
    /** The person a verified token names: an operator if it has that group, else a viewer. */
    static Person of(JsonWebToken token) {
        boolean operator = token.getGroups().contains(ApiRoles.OPERATOR);
        return new Person(ApiRoles.requester(token), operator ? ApiRoles.OPERATOR : ApiRoles.VIEWER, operator);
    }
}
