package org.amyterm.backup.notifier.delivery;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.List;
import org.amyterm.backup.contracts.ApiRoles;

/**
 * {@code GET /alerts/deliveries}: each channel (webhook, Slack, e-mail, PagerDuty), whether it is
 * configured, and what it last sent (from any replica) and how that went (delivered, failing and
 * retried, rejected, dead-lettered): where a person looks when a page did not arrive.
 */
@Path("/alerts/deliveries")
@Produces(MediaType.APPLICATION_JSON)
public class DeliveryResource {
    private final ChannelDeliveries deliveries;

    public DeliveryResource(ChannelDeliveries deliveries) {
        this.deliveries = deliveries;
    }

    @GET
    @RolesAllowed({ApiRoles.VIEWER, ApiRoles.OPERATOR})
    public List<ChannelDeliveries.ChannelState> channels() {
        return deliveries.states();
    }
}
