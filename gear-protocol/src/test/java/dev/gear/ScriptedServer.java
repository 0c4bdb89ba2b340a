package dev.gear;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A fake Gearman server on a loopback socket (port 0) for client tests: it reads the client's
 * binary packets and lets a {@link Behaviour} answer each SUBMIT_JOB*. It counts the submits it
 * got and the connections that ended, and lets a test wait for the client's greeting
 * (SET_CLIENT_ID, sent once the client counts the connection as connected).
 */
final class ScriptedServer implements AutoCloseable {
    /** How the server answers one submit; {@code out} is the connection's output. */
    interface Behaviour {
        void onSubmit(Socket socket, OutputStream out, int submitNumber) throws IOException;
    }

    /** Answers every submit with ERROR QUEUE_ERROR "queue full". */
    static Behaviour erroring() {
        return (socket, out, n) -> {
            out.write(Packet.response(PacketType.ERROR, "QUEUE_ERROR", "queue full").toBinary());
            out.flush();
        };
    }

    /** Resets the connection (RST) on every submit. */
    static Behaviour resetting() {
        return (socket, out, n) -> {
            socket.setSoLinger(true, 0);
            socket.close();
        };
    }

    /** Never answers a submit (and keeps reading). */
    static Behaviour silent() {
        return (socket, out, n) -> {
        };
    }

    /**
     * Answers a submit only once the client has closed the connection (JOB_CREATED {@code H:late:<n>}
     * written then, too late to be read): a server slower than the client's patience.
     */
    static Behaviour lateAfterDrop() {
        return (socket, out, n) -> {
            while (socket.getInputStream().read() >= 0) {
                // until the client gives up on this server and closes the connection
            }
            out.write(Packet.response(PacketType.JOB_CREATED, "H:late:" + n).toBinary());
            out.flush();
        };
    }

    /** Answers every submit with JOB_CREATED {@code H:fake:<n>}. */
    static Behaviour creating() {
        return (socket, out, n) -> {
            out.write(Packet.response(PacketType.JOB_CREATED, "H:fake:" + n).toBinary());
            out.flush();
        };
    }

    private final ServerSocket socket;
    private final Behaviour behaviour;
    private final AtomicInteger submits = new AtomicInteger();
    private final AtomicInteger connectionsEnded = new AtomicInteger();
    private volatile CountDownLatch greeted = new CountDownLatch(1);
    private final Object endedMonitor = new Object();

    ScriptedServer(Behaviour behaviour) throws IOException {
        this.behaviour = behaviour;
        this.socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(this::acceptLoop, "scripted-server-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    int port() {
        return socket.getLocalPort();
    }

    String address() {
        return "127.0.0.1:" + port();
    }

    /** SUBMIT_JOB* packets received so far. */
    int submits() {
        return submits.get();
    }

    /** Connections that ended (closed or reset by the client, or by this server). */
    int connectionsEnded() {
        return connectionsEnded.get();
    }

    /** Waits until a connection sent SET_CLIENT_ID: the client now counts it as connected. */
    void awaitGreeting(long seconds) throws InterruptedException {
        if (!greeted.await(seconds, TimeUnit.SECONDS)) {
            throw new AssertionError("no client greeted " + address() + " within " + seconds + " s");
        }
    }

    /** Waits until at least {@code n} connections have ended. */
    void awaitConnectionsEnded(int n, long seconds) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        synchronized (endedMonitor) {
            while (connectionsEnded.get() < n) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new AssertionError(connectionsEnded.get() + " connection(s) to " + address()
                            + " ended within " + seconds + " s, expected " + n);
                }
                TimeUnit.NANOSECONDS.timedWait(endedMonitor, left);
            }
        }
    }

    private void acceptLoop() {
        while (true) {
            Socket s;
            try {
                s = socket.accept();
            } catch (IOException e) {
                return;
            }
            Thread t = new Thread(() -> serve(s), "scripted-server-connection");
            t.setDaemon(true);
            t.start();
        }
    }

    private void serve(Socket s) {
        try (s) {
            DataInputStream in = new DataInputStream(s.getInputStream());
            OutputStream out = s.getOutputStream();
            while (!s.isClosed()) {
                byte[] header = new byte[12];
                in.readFully(header);
                ByteBuffer b = ByteBuffer.wrap(header);
                b.getInt();
                PacketType type = PacketType.fromCode(b.getInt());
                in.readFully(new byte[b.getInt()]);
                if (type == PacketType.SET_CLIENT_ID) {
                    greeted.countDown();
                } else if (type != null && type.name().startsWith("SUBMIT_JOB")) {
                    behaviour.onSubmit(s, out, submits.incrementAndGet());
                }
            }
        } catch (IOException e) {
            // the connection ended
        } finally {
            synchronized (endedMonitor) {
                connectionsEnded.incrementAndGet();
                endedMonitor.notifyAll();
            }
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
