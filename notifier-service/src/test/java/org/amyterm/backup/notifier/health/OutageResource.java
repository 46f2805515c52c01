package org.amyterm.backup.notifier.health;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.net.URI;
import java.util.HashMap;
import java.util.Map;
import org.amyterm.backup.testsupport.CuttingRelay;
import org.amyterm.backup.testsupport.KafkaBroker;
import org.amyterm.backup.testsupport.S3ProxyServer;
import org.amyterm.backup.testsupport.TestServers;

/**
 * A broker of its own (stopped and started again by the test) and S3Proxy behind a relay that can
 * drop every connection: the outages the readiness probe must show, without disturbing other tests.
 */
public class OutageResource implements QuarkusTestResourceLifecycleManager {
    static KafkaBroker broker;
    static CuttingRelay relay;

    @Override
    public Map<String, String> start() {
        broker = KafkaBroker.start("kafka-outage");
        S3ProxyServer s3 = TestServers.s3();
        URI endpoint = URI.create(s3.endpoint());
        relay = new CuttingRelay(endpoint.getHost(), endpoint.getPort());
        Map<String, String> config = new HashMap<>(s3.storeConfig("notifier-outage"));
        config.put("amyterm.store.endpoint", "http://127.0.0.1:" + relay.port());
        config.put("amyterm.store.retry.max-attempts", "1");
        config.put("kafka.bootstrap.servers", broker.bootstrapServers());
        config.put("quarkus.http.test-port", "0");
        return config;
    }

    @Override
    public void stop() {
        broker.stop();
        try {
            relay.close();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
