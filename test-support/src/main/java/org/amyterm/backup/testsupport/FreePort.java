package org.amyterm.backup.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;

/** Free loopback ports, and waiting for a server to listen on one. */
public final class FreePort {
    private FreePort() {
    }

    /** Ports handed out in this JVM: never handed out twice, though their servers have not bound them yet. */
    private static final java.util.Set<Integer> HANDED_OUT = java.util.concurrent.ConcurrentHashMap.newKeySet();
    /**
     * Test JVMs run side by side (Maven modules in parallel, several surefire forks): each claims
     * the ports it hands out with a lock file held until it exits, so another JVM's {@code bind(0)}
     * between our pick and our server's bind cannot hand the same port out again.
     */
    private static final Path CLAIMS = Path.of(System.getProperty("java.io.tmpdir"), "amyterm-test-ports");
    private static final java.util.List<FileChannel> HELD = new java.util.concurrent.CopyOnWriteArrayList<>();

    public static int next() {
        while (true) {
            int port = anyFree();
            if (claim(port)) {
                return port;
            }
        }
    }

    /** Two free neighbours, {@code p} and {@code p + 1} (a Kafka broker's listener and its controller); returns p. */
    public static int pair() {
        while (true) {
            int port = anyFree();
            if (port < 65535 && isFree(port + 1) && claim(port)) {
                if (claim(port + 1)) {
                    return port;
                }
                // port stays claimed, unused: cheaper than releasing a cross-process lock safely
            }
        }
    }

    private static boolean claim(int port) {
        if (!HANDED_OUT.add(port)) {
            return false;
        }
        try {
            Files.createDirectories(CLAIMS);
            FileChannel channel = FileChannel.open(CLAIMS.resolve(port + ".lock"), StandardOpenOption.CREATE,
                    StandardOpenOption.WRITE);
            FileLock lock = channel.tryLock();
            if (lock == null) {
                channel.close();
                return false;
            }
            HELD.add(channel);
            return true;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot claim port " + port + " in " + CLAIMS, e);
        }
    }

    private static int anyFree() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free port on 127.0.0.1", e);
        }
    }

    private static boolean isFree(int port) {
        try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** Waits until something accepts connections on the port, or the process has died. */
    public static void awaitListening(int port, Duration timeout, ServerProcess process) {
        Instant deadline = Instant.now().plus(timeout);
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) {
                throw new IllegalStateException(process.name() + " exited before listening on port " + port
                        + "; see " + process.logFile());
            }
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return;
            } catch (IOException notYet) {
                process.pause(Duration.ofMillis(100));
            }
        }
        throw new IllegalStateException(process.name() + " did not listen on port " + port + " within " + timeout
                + "; see " + process.logFile());
    }
}
