package org.amyterm.backup.verifier.restore;

import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.sql.SQLException;
import java.util.List;
import org.amyterm.backup.objectstore.BackupCatalogue;
import org.amyterm.backup.objectstore.ObjectStoreException;
import org.jboss.logging.Logger;

/**
 * Keeps restore tests off production: at start-up the verifier refuses a staging server that holds
 * a database this bucket backs up (it is a source server), unless
 * {@code amyterm.verifier.staging.allow-source-server} says so, and warns when the staging role is
 * a superuser. If the server or the bucket cannot be read yet, it says so and goes on.
 */
@ApplicationScoped
public class StagingSafety {
    private static final Logger LOG = Logger.getLogger(StagingSafety.class);

    private final StagingServer staging;
    private final BackupCatalogue catalogue;

    public StagingSafety(StagingServer staging, BackupCatalogue catalogue) {
        this.staging = staging;
        this.catalogue = catalogue;
    }

    void onStart(@Observes StartupEvent started) {
        List<String> onStaging;
        List<String> backedUp;
        try {
            onStaging = staging.databases();
            if (staging.roleIsSuperuser()) {
                LOG.warnf("the staging role %s is a superuser: a restore test runs the archive's SQL with every right; "
                        + "use a role with CREATEDB and CREATEROLE only (docs/deployment.md)", staging.settings().user());
            }
            backedUp = catalogue.databases();
        } catch (SQLException | ObjectStoreException e) {
            LOG.warnf("could not compare the staging server's databases with the bucket's at start-up: %s", e.getMessage());
            return;
        }
        require(onStaging, backedUp, staging.settings().allowSourceServer(),
                staging.settings().host() + ":" + staging.settings().port());
    }

    /** Throws when {@code onStaging} holds a backed-up database and that is not allowed. */
    static void require(List<String> onStaging, List<String> backedUp, boolean allowed, String server) {
        List<String> sources = onStaging.stream().filter(backedUp::contains).toList();
        if (sources.isEmpty()) {
            return;
        }
        if (allowed) {
            LOG.warnf("the staging server %s holds backed-up databases %s (allowed by "
                    + "amyterm.verifier.staging.allow-source-server): restore tests load it", server, sources);
            return;
        }
        throw new IllegalStateException("the staging server " + server + " holds " + sources + ", which this bucket "
                + "backs up: it looks like a source server, and restore tests would load production. Point "
                + "amyterm.verifier.staging.* at a server of its own, or set amyterm.verifier.staging."
                + "allow-source-server=true where that is intended (a single-host demo)");
    }
}
