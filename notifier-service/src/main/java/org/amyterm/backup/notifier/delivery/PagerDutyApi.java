package org.amyterm.backup.notifier.delivery;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/** PagerDuty Events API v2: https://developer.pagerduty.com/docs/events-api-v2/overview/ */
@Path("/v2/enqueue")
interface PagerDutyApi {
    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    Response enqueue(String event);
}
