package org.amyterm.backup.testsupport;

/**
 * The servers a test JVM shares: each starts on first use, once, and stops when the JVM exits,
 * after everything registered with {@link #beforeShutdown} (the clients of the servers) has stopped.
 */
public final class TestServers {
    private static final java.util.Deque<Runnable> STOPS = new java.util.ArrayDeque<>();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(TestServers::stopAll, "stop-test-servers"));
    }

    private static PostgresServer postgres;
    private static KafkaBroker kafka;
    private static S3ProxyServer s3;
    private static KmsServer kms;
    private static S3MockServer s3mock;

    private TestServers() {
    }

    public static synchronized PostgresServer postgres() {
        if (postgres == null) {
            postgres = PostgresServer.start("postgres");
            onExit(postgres::stop);
        }
        return postgres;
    }

    public static synchronized KafkaBroker kafka() {
        if (kafka == null) {
            kafka = KafkaBroker.start("kafka");
            onExit(kafka::stop);
        }
        return kafka;
    }

    public static synchronized S3ProxyServer s3() {
        if (s3 == null) {
            s3 = S3ProxyServer.start("s3proxy");
            onExit(s3::stop);
        }
        return s3;
    }

    public static synchronized S3MockServer s3mock() {
        if (s3mock == null) {
            s3mock = S3MockServer.start("s3mock");
            onExit(s3mock::stop);
        }
        return s3mock;
    }

    public static synchronized KmsServer kms() {
        if (kms == null) {
            kms = KmsServer.start("kms", s3().accessKey());
            onExit(kms::stop);
        }
        return kms;
    }

    /** Registers something to stop before the servers it uses: stopped in reverse order of registration. */
    public static synchronized void beforeShutdown(Runnable stop) {
        STOPS.push(stop);
    }

    private static void onExit(Runnable stop) {
        beforeShutdown(stop);
    }

    private static synchronized void stopAll() {
        while (!STOPS.isEmpty()) {
            try {
                STOPS.pop().run();
            } catch (RuntimeException e) {
                System.err.println("stopping a test server failed: " + e);
            }
        }
    }
}
