package org.amyterm.backup.notifier.delivery;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/** A Slack incoming webhook: one JSON message per POST, answered "ok". */
interface SlackApi {
    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    Response post(String message);
}
