package org.amyterm.backup.notifier.alert;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.core.MediaType;

/** The operator's webhook: one JSON POST per alert or verification. */
public interface WebhookClient {
    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    void post(Notification notification);
}
