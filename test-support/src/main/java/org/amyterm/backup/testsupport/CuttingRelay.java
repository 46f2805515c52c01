package org.amyterm.backup.testsupport;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A TCP relay in front of a real server (S3Proxy) that passes everything through until armed,
 * then cuts the connection on which the server's answers since arming pass a number of bytes: a
 * download broken halfway, as a network fault breaks it. It can also drop every connection for a
 * while ({@link #refuse}), as a server that is away. Only the connection is faked; the server and
 * the client are the real ones.
 */
public final class CuttingRelay implements AutoCloseable {
    private final ServerSocket listener;
    private final String targetHost;
    private final int targetPort;
    private final AtomicLong cutAfter = new AtomicLong(-1);
    /** Whether the armed cut counts what clients send (a restore's data) rather than the server's answers. */
    private volatile boolean countingSent;
    private final AtomicLong relayedSinceArmed = new AtomicLong();
    private final AtomicInteger cuts = new AtomicInteger();
    private volatile boolean refusing;
    private final java.util.Set<Socket> open = java.util.concurrent.ConcurrentHashMap.newKeySet();

    public CuttingRelay(String targetHost, int targetPort) {
        this.targetHost = targetHost;
        this.targetPort = targetPort;
        try {
            this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        } catch (IOException e) {
            throw new IllegalStateException("cannot listen on 127.0.0.1", e);
        }
        Thread accept = new Thread(this::accept, "cutting-relay-" + port());
        accept.setDaemon(true);
        accept.start();
    }

    public int port() {
        return listener.getLocalPort();
    }

    /** Cuts, once, the connection on which the server's answers pass {@code bytes} from now on. */
    public void cutOnceAfter(long bytes) {
        countingSent = false;
        relayedSinceArmed.set(0);
        cutAfter.set(bytes);
    }

    /** Cuts, once, the connection on which clients' requests pass {@code bytes} from now on (a client that uploads). */
    public void cutOnceAfterSent(long bytes) {
        countingSent = true;
        relayedSinceArmed.set(0);
        cutAfter.set(bytes);
    }

    /** While refusing, every connection is reset at once, those open now too; then relaying resumes. */
    public void refuse(boolean refuse) {
        refusing = refuse;
        if (refuse) {
            open.forEach(CuttingRelay::reset);
        }
    }

    /** How many connections were cut. */
    public int cuts() {
        return cuts.get();
    }

    private void accept() {
        while (!listener.isClosed()) {
            try {
                Socket client = listener.accept();
                if (refusing) {
                    reset(client);
                    continue;
                }
                Socket server = new Socket(targetHost, targetPort);
                open.add(client);
                pump(client.getInputStream(), server.getOutputStream(), client, server, false);
                pump(server.getInputStream(), client.getOutputStream(), client, server, true);
            } catch (IOException e) {
                // the listener closed, or the server is away: the client sees its connection refused or reset
            }
        }
    }

    private void pump(InputStream from, OutputStream to, Socket client, Socket server, boolean answers) {
        Thread thread = new Thread(() -> {
            byte[] buffer = new byte[8192];
            try {
                int n;
                while ((n = from.read(buffer)) > 0) {
                    if (answers != countingSent && cutAfter.get() >= 0 && relayedSinceArmed.addAndGet(n) > cutAfter.get()
                            && cutAfter.getAndSet(-1) >= 0) {
                        cuts.incrementAndGet();
                        client.setSoLinger(true, 0); // a reset, as a dropped link ends it
                        break;
                    }
                    to.write(buffer, 0, n);
                    to.flush();
                }
            } catch (IOException e) {
                // the other side closed
            } finally {
                open.remove(client);
                closeQuietly(client);
                closeQuietly(server);
            }
        }, "cutting-relay-pump");
        thread.setDaemon(true);
        thread.start();
    }

    private static void reset(Socket socket) {
        try {
            socket.setSoLinger(true, 0);
        } catch (IOException ignored) {
            // closed already
        }
        closeQuietly(socket);
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // already closed
        }
    }

    @Override
    public void close() throws IOException {
        listener.close();
    }
}
