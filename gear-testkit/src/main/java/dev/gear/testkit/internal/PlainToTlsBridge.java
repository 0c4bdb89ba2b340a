package dev.gear.testkit.internal;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

/**
 * A loopback port that forwards plain TCP to the TLS server, presenting one client certificate.
 * It lets a peer without TLS (the gearman command-line tools, a client library without TLS) reach
 * a TLS test server as that certificate's CN: the server sees a real TLS connection and subject.
 *
 * <p>Blocking sockets and two daemon threads per connection: a bridge serves a handful of test
 * connections, and simplicity beats throughput here.
 */
public final class PlainToTlsBridge implements Closeable {
    private final ServerSocket listener;
    private final InetSocketAddress target;
    private final SSLContext context;
    private final List<Socket> open = new CopyOnWriteArrayList<>();
    private volatile boolean closed;

    /** {@link #PlainToTlsBridge}, with an I/O failure as an unchecked exception naming the CN. */
    public static PlainToTlsBridge open(InetSocketAddress target, SSLContext context, String name) {
        try {
            return new PlainToTlsBridge(target, context, name);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("cannot open a plain-to-TLS bridge for CN=" + name, e);
        }
    }

    public PlainToTlsBridge(InetSocketAddress target, SSLContext context, String name) throws IOException {
        this.target = target;
        this.context = context;
        this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread accept = new Thread(this::acceptLoop, "gear-testkit-bridge-" + name);
        accept.setDaemon(true);
        accept.start();
    }

    public InetSocketAddress address() {
        return new InetSocketAddress(listener.getInetAddress(), listener.getLocalPort());
    }

    private void acceptLoop() {
        while (!closed) {
            try {
                Socket plain = listener.accept();
                plain.setTcpNoDelay(true);
                open.add(plain);
                SSLSocket tls = (SSLSocket) context.getSocketFactory().createSocket(target.getAddress(),
                        target.getPort());
                tls.setTcpNoDelay(true);
                tls.setEnabledProtocols(new String[] {"TLSv1.3", "TLSv1.2"});
                open.add(tls);
                pump(plain, tls, "up");
                pump(tls, plain, "down");
            } catch (IOException e) {
                if (closed) {
                    return;
                }
                // One failed connection (e.g. handshake refused) must not stop the bridge.
            }
        }
    }

    private void pump(Socket from, Socket to, String direction) {
        Thread t = new Thread(() -> {
            byte[] buffer = new byte[16 * 1024];
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                int n;
                while ((n = in.read(buffer)) >= 0) {
                    out.write(buffer, 0, n);
                    out.flush();
                }
            } catch (IOException e) {
                // either side went away; close both below
            } finally {
                closeQuietly(from);
                closeQuietly(to);
            }
        }, "gear-testkit-bridge-" + direction);
        t.setDaemon(true);
        t.start();
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException e) {
            // nothing to do
        }
    }

    @Override
    public void close() {
        closed = true;
        try {
            listener.close();
        } catch (IOException e) {
            // nothing to do
        }
        open.forEach(PlainToTlsBridge::closeQuietly);
    }
}
