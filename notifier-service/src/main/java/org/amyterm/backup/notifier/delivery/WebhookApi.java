package org.amyterm.backup.notifier.delivery;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/** The operator's webhook: the alert as JSON, CloudEvents HTTP binding (binary mode), HMAC signed. */
interface WebhookApi {
    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    Response post(@HeaderParam("ce-specversion") String specVersion, @HeaderParam("ce-id") String id,
            @HeaderParam("ce-source") String source, @HeaderParam("ce-type") String type,
            @HeaderParam("ce-subject") String subject, @HeaderParam("ce-time") String time,
            @HeaderParam(WebhookChannel.SIGNATURE_HEADER) String signature, String body);
}
