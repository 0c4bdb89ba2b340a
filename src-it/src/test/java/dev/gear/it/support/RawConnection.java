package dev.gear.it.support;

import dev.gear.Magic;
import dev.gear.Packet;
import dev.gear.PacketType;
import dev.gear.internal.codec.DecodeError;
import dev.gear.internal.codec.DecodeListener;
import dev.gear.internal.codec.FrameDecoder;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Predicate;

/**
 * A blocking, single-threaded test peer over a plain socket: it sends packets, raw bytes and admin
 * lines exactly as given, and reads what the server sends back one {@link Frame} at a time.
 *
 * <p>It is deliberately not a Gearman client: it does nothing on its own (no reconnect, no
 * automatic grab, no hidden reads), so a scenario controls and sees every byte. Every read has a
 * timeout, and every failure is an {@link AssertionError} that says what arrived instead.
 *
 * <p>To prove that the server sent <em>nothing</em>, never wait for silence; use
 * {@link #assertNoReplyPending()}, which relies on servers answering one connection's requests in
 * order.
 */
public final class RawConnection implements AutoCloseable {
    /** How long a read waits when no timeout is given. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);

    private static final long MAX_PACKET = 64L * 1024 * 1024 + 1024;
    private static final int MAX_LINE = 1024 * 1024;

    private final Socket socket;
    private final String peer;
    private final InputStream in;
    private final OutputStream out;
    private final FrameDecoder decoder = new FrameDecoder(MAX_PACKET, MAX_LINE);
    private final ArrayDeque<Frame> decoded = new ArrayDeque<>();
    private final byte[] readBuffer = new byte[64 * 1024];
    private final DecodeListener listener = new DecodeListener() {
        @Override
        public void onPacket(Packet packet) {
            decoded.add(Frame.of(packet));
        }

        @Override
        public void onLine(String line) {
            decoded.add(Frame.of(line));
        }

        @Override
        public void onError(DecodeError error) {
            throw new AssertionError(peer + " sent bytes that do not decode: " + error);
        }
    };

    private RawConnection(Socket socket, String peer) throws IOException {
        this.socket = socket;
        this.peer = peer;
        this.in = socket.getInputStream();
        this.out = socket.getOutputStream();
    }

    /** Connects to {@code host:port} with TCP_NODELAY (no Nagle delay between small writes). */
    public static RawConnection open(String host, int port) {
        Socket socket = new Socket();
        try {
            socket.setTcpNoDelay(true);
            socket.connect(new InetSocketAddress(host, port), (int) DEFAULT_TIMEOUT.toMillis());
            return new RawConnection(socket, "server at " + host + ":" + port);
        } catch (IOException e) {
            closeQuietly(socket);
            throw new UncheckedIOException("Cannot connect to " + host + ":" + port, e);
        }
    }

    /**
     * Wraps a socket that is already connected, e.g. an {@code SSLSocket} (its handshake runs on
     * first use); {@code peer} names the other side in failure messages.
     */
    public static RawConnection over(Socket socket, String peer) {
        try {
            return new RawConnection(socket, peer);
        } catch (IOException e) {
            closeQuietly(socket);
            throw new UncheckedIOException("Cannot use the socket to " + peer, e);
        }
    }

    /** Connects to a server under test. */
    public static RawConnection open(ServerUnderTest server) {
        return open(server.host(), server.port());
    }

    // ---------------------------------------------------------------- sending

    /** Sends the packets in one write, as a real peer batching requests would. */
    public RawConnection send(Packet... packets) {
        int length = 0;
        for (Packet p : packets) {
            length += p.encodedLength();
        }
        ByteBuffer bytes = ByteBuffer.allocate(length);
        for (Packet p : packets) {
            p.writeTo(bytes);
        }
        return sendRaw(bytes.array());
    }

    /** Sends a REQ packet made of UTF-8 fields. */
    public RawConnection send(PacketType type, String... fields) {
        return send(Packet.request(type, fields));
    }

    /** Sends bytes exactly as given. */
    public RawConnection sendRaw(byte[] bytes) {
        try {
            out.write(bytes);
            out.flush();
            return this;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write to " + peer, e);
        }
    }

    /** Sends an admin command ended by {@code \n}, as gear's client does. */
    public RawConnection sendLine(String command) {
        return sendRaw((command + "\n").getBytes(StandardCharsets.UTF_8));
    }

    // ---------------------------------------------------------------- reading frames

    /** The next frame, waiting at most {@link #DEFAULT_TIMEOUT}. */
    public Frame nextFrame() {
        return nextFrame(DEFAULT_TIMEOUT);
    }

    /** The next frame, waiting at most {@code timeout}; fails on timeout or end of stream. */
    public Frame nextFrame(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (decoded.isEmpty()) {
            int n = readSome(deadline, timeout);
            if (n < 0) {
                throw new AssertionError(peer + " closed the connection while a frame was expected"
                        + (decoder.atFrameBoundary() ? "" : " (in the middle of a frame)"));
            }
        }
        return decoded.poll();
    }

    /** The next frame, which must be a RES packet of {@code type}. */
    public Packet expectPacket(PacketType type) {
        Frame frame = nextFrame();
        if (!frame.isPacket() || frame.packet().type() != type) {
            throw new AssertionError("Expected a " + type + " packet from " + peer + " but got " + frame);
        }
        if (frame.packet().magic() != Magic.RES) {
            throw new AssertionError("Expected RES magic on every packet a server sends, but got " + frame);
        }
        return frame.packet();
    }

    /** The next frame, which must be a RES packet of {@code type} with exactly these UTF-8 fields. */
    public Packet expectPacket(PacketType type, String... fields) {
        Packet packet = expectPacket(type);
        List<String> actual = new ArrayList<>();
        for (byte[] f : packet.fields()) {
            actual.add(new String(f, StandardCharsets.UTF_8));
        }
        if (!actual.equals(Arrays.asList(fields))) {
            throw new AssertionError("Expected " + type + " with fields " + Arrays.asList(fields)
                    + " but got " + packet + " (fields " + actual + ")");
        }
        return packet;
    }

    /**
     * Proves that no reply is pending: sends an ECHO_REQ with a fresh payload and asserts the very
     * next frame is its ECHO_RES. A server answers one connection in order, so anything it had
     * queued for us before reading the ECHO_REQ would arrive first.
     */
    public void assertNoReplyPending() {
        String token = "barrier-" + Long.toHexString(ThreadLocalRandom.current().nextLong());
        send(Packet.request(PacketType.ECHO_REQ, token.getBytes(StandardCharsets.UTF_8)));
        Frame frame = nextFrame();
        if (!frame.isPacket() || frame.packet().type() != PacketType.ECHO_RES
                || !token.equals(new String(frame.packet().data(), StandardCharsets.UTF_8))) {
            throw new AssertionError("Expected no reply before the ECHO_RES barrier \"" + token
                    + "\", but got " + frame);
        }
    }

    // ---------------------------------------------------------------- admin protocol

    /** Sends {@code command} and reads its reply (see {@link #readAdminReply()}). */
    public List<String> admin(String command) {
        sendLine(command);
        return readAdminReply();
    }

    /** Sends {@code command} and reads a one-line reply ({@code OK …} or {@code ERR …}). */
    public String adminLine(String command) {
        sendLine(command);
        String line = readLine();
        if (!isOneLineReply(line)) {
            throw new AssertionError("Expected a one-line OK/ERR reply to \"" + command + "\" but got line \""
                    + line + "\"");
        }
        return line;
    }

    /** Sends {@code command} and reads a list reply up to its {@code .} line, which is not included. */
    public List<String> adminList(String command) {
        sendLine(command);
        return readListAfter(readLine());
    }

    /**
     * Re-sends a list command each time its previous reply has arrived, until {@code condition}
     * holds for a reply, and returns that reply. For states a server reaches on its own after an
     * event we cannot see (it noticing a closed connection): each round waits for the server's
     * answer, never for a fixed time.
     *
     * @param what what is awaited, for the failure message
     */
    public List<String> awaitAdminList(String command, Predicate<List<String>> condition, String what,
            Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            List<String> reply = adminList(command);
            if (condition.test(reply)) {
                return reply;
            }
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("Timed out after " + timeout.toMillis() + " ms waiting for " + what
                        + "; last reply to \"" + command + "\" was " + reply);
            }
        }
    }

    /**
     * Reads one admin reply: a single line when it starts with {@code OK} or {@code ERR}, else the
     * lines up to the terminating {@code .} line (not included). {@code \n} and {@code \r\n} read alike.
     */
    public List<String> readAdminReply() {
        String first = readLine();
        return isOneLineReply(first) ? List.of(first) : readListAfter(first);
    }

    /** The next frame, which must be a text line. */
    public String readLine() {
        Frame frame = nextFrame();
        if (frame.isPacket()) {
            throw new AssertionError("Expected an admin text line from " + peer + " but got " + frame);
        }
        return frame.line();
    }

    private List<String> readListAfter(String first) {
        List<String> lines = new ArrayList<>();
        String line = first;
        while (!line.equals(".")) {
            lines.add(line);
            line = readLine();
        }
        return lines;
    }

    private static boolean isOneLineReply(String line) {
        return line.equals("OK") || line.startsWith("OK ") || line.equals("ERR") || line.startsWith("ERR ");
    }

    // ---------------------------------------------------------------- end of stream

    /** Asserts the server closes the connection within {@code timeout}, sending nothing more. */
    public void assertClosedByPeer(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        if (!decoded.isEmpty()) {
            throw new AssertionError("Expected " + peer + " to close the connection, but it sent " + decoded.peek());
        }
        int n;
        try {
            n = readSome(deadline, timeout);
        } catch (UncheckedIOException e) {
            if (e.getCause() instanceof SocketException) {
                return; // a reset is a close too
            }
            throw e;
        }
        if (n >= 0) {
            throw new AssertionError("Expected " + peer + " to close the connection, but it sent "
                    + (decoded.isEmpty() ? n + " more bytes (a partial frame)" : decoded.peek()));
        }
    }

    /** Whether this side has closed the socket. */
    public boolean isClosed() {
        return socket.isClosed();
    }

    @Override
    public void close() {
        closeQuietly(socket);
    }

    @Override
    public String toString() {
        return "RawConnection to " + peer + " from local port " + socket.getLocalPort();
    }

    /** Reads once into the decoder: the byte count, or -1 at end of stream. */
    private int readSome(long deadlineNanos, Duration timeout) {
        long leftMillis = Math.max(1, (deadlineNanos - System.nanoTime()) / 1_000_000);
        if (deadlineNanos - System.nanoTime() <= 0) {
            throw timeout(timeout);
        }
        try {
            socket.setSoTimeout((int) Math.min(Integer.MAX_VALUE, leftMillis));
            int n = in.read(readBuffer);
            if (n > 0) {
                decoder.decode(ByteBuffer.wrap(readBuffer, 0, n), listener);
            }
            return n;
        } catch (SocketTimeoutException e) {
            throw timeout(timeout);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read from " + peer, e);
        }
    }

    private AssertionError timeout(Duration timeout) {
        return new AssertionError("Nothing complete arrived from " + peer + " within " + timeout.toMillis() + " ms"
                + (decoder.atFrameBoundary() ? "" : " (" + decoder.bufferedBytes() + " bytes of a frame arrived)"));
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing a test socket: nothing useful to do with a failure
        }
    }
}
