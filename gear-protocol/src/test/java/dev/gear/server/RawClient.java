package dev.gear.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gear.Magic;
import dev.gear.Packet;
import dev.gear.PacketType;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A deliberately small blocking Gearman peer for server tests: sends raw packets, bytes and admin
 * lines, reads exactly what comes back. Every read gives up after 5 s, so a missing answer fails
 * the test instead of hanging it.
 */
public final class RawClient implements AutoCloseable {
    private static final int READ_TIMEOUT_MILLIS = 5000;

    private final Socket socket;
    private final DataInputStream in;
    private final OutputStream out;
    private int echoCounter;

    private RawClient(Socket socket) throws IOException {
        this.socket = socket;
        socket.setTcpNoDelay(true);
        socket.setSoTimeout(READ_TIMEOUT_MILLIS);
        this.in = new DataInputStream(socket.getInputStream());
        this.out = socket.getOutputStream();
    }

    public static RawClient connect(Server server) {
        return connect(InetAddress.getLoopbackAddress(), server.port());
    }

    public static RawClient connect(InetAddress address, int port) {
        try {
            return new RawClient(new Socket(address, port));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public Socket socket() {
        return socket;
    }

    public RawClient send(Packet packet) {
        return sendBytes(packet.toBinary());
    }

    public RawClient send(PacketType type, String... fields) {
        return send(Packet.request(type, fields));
    }

    public RawClient sendBytes(byte[] bytes) {
        try {
            out.write(bytes);
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    public RawClient sendLine(String line) {
        return sendBytes((line + "\n").getBytes(StandardCharsets.UTF_8));
    }

    /** A header of our own making: any magic, type and declared length. */
    public static byte[] header(byte[] magic, int type, int length) {
        return ByteBuffer.allocate(12).put(magic).putInt(type).putInt(length).array();
    }

    public Packet read() {
        try {
            byte[] header = new byte[12];
            in.readFully(header);
            ByteBuffer h = ByteBuffer.wrap(header);
            Magic magic = Magic.fromInt(h.getInt());
            assertThat(magic).as("magic of %s", Packet.class).isNotNull();
            PacketType type = PacketType.fromCode(h.getInt());
            assertThat(type).as("packet type").isNotNull();
            byte[] body = new byte[h.getInt()];
            in.readFully(body);
            return Packet.of(magic, type, body);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Reads one packet and checks its type (and RES magic). */
    public Packet expect(PacketType type) {
        Packet p = read();
        assertThat(p.type()).as("packet %s", p).isEqualTo(type);
        assertThat(p.magic()).as("magic of %s", p).isEqualTo(Magic.RES);
        return p;
    }

    /** Reads one packet and checks type and fields. */
    public Packet expect(PacketType type, String... fields) {
        Packet p = expect(type);
        List<String> actual = new ArrayList<>();
        for (int i = 0; i < p.fieldCount(); i++) {
            actual.add(p.fieldString(i));
        }
        assertThat(actual).as("fields of %s", p).containsExactly(fields);
        return p;
    }

    /** Reads an ERROR packet and returns its code; the text is checked to contain {@code textPart}. */
    public String expectError(String code, String textPart) {
        Packet p = expect(PacketType.ERROR);
        assertThat(p.fieldString(0)).as("error code of %s", p).isEqualTo(code);
        assertThat(p.fieldString(1)).as("error text").contains(textPart);
        return p.fieldString(1);
    }

    public String readLine() {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        try {
            int b;
            while ((b = in.read()) != '\n') {
                if (b < 0) {
                    throw new EOFException("connection closed inside a line: " + line);
                }
                line.write(b);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return line.toString(StandardCharsets.UTF_8) + "\n";
    }

    /** Reads admin reply lines up to and including the closing {@code .\n}. */
    public String readList() {
        StringBuilder all = new StringBuilder();
        String line;
        do {
            line = readLine();
            all.append(line);
        } while (!line.equals(".\n"));
        return all.toString();
    }

    /** Sends an admin command and reads a one-line reply. */
    public String admin(String command) {
        return sendLine(command).readLine();
    }

    /** Sends an admin command and reads a list reply. */
    public String adminList(String command) {
        return sendLine(command).readList();
    }

    /**
     * A barrier: sends ECHO_REQ and returns every packet that arrives before its ECHO_RES. The
     * server answers in order, so anything it queued for us earlier shows up here.
     */
    public List<Packet> sync() {
        String token = "sync-" + (++echoCounter);
        send(Packet.request(PacketType.ECHO_REQ, token.getBytes(StandardCharsets.UTF_8)));
        List<Packet> before = new ArrayList<>();
        while (true) {
            Packet p = read();
            if (p.type() == PacketType.ECHO_RES && new String(p.data(), StandardCharsets.UTF_8).equals(token)) {
                return before;
            }
            before.add(p);
        }
    }

    /** Registers functions and waits until the server has them. */
    public RawClient canDo(String... functions) {
        for (String f : functions) {
            send(PacketType.CAN_DO, f);
        }
        assertThat(sync()).isEmpty();
        return this;
    }

    /** Submits and returns the handle from JOB_CREATED. */
    public String submit(PacketType type, String function, String unique, String data) {
        send(Packet.request(type, function, unique, data));
        return expect(PacketType.JOB_CREATED).fieldString(0);
    }

    /** GRAB_JOB_UNIQ and the JOB_ASSIGN_UNIQ it must get. */
    public Packet grab() {
        send(Packet.request(PacketType.GRAB_JOB_UNIQ));
        return expect(PacketType.JOB_ASSIGN_UNIQ);
    }

    /** Asserts the server closed the connection (possibly after sending {@code remaining} first). */
    public void expectClosed() {
        try {
            int b = in.read();
            while (b >= 0) {
                b = in.read();
            }
        } catch (SocketTimeoutException e) {
            throw new AssertionError("server did not close the connection within " + READ_TIMEOUT_MILLIS + " ms", e);
        } catch (IOException e) {
            // reset counts as closed
        }
    }

    /**
     * Ends our side of the stream (the server reads end of input) and returns every byte the server
     * sends until it closes its side too.
     */
    public byte[] halfCloseAndReadToEnd() {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        try {
            socket.shutdownOutput();
            byte[] buffer = new byte[8192];
            for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                all.write(buffer, 0, n);
            }
        } catch (SocketTimeoutException e) {
            throw new AssertionError("server did not close the connection within " + READ_TIMEOUT_MILLIS
                    + " ms after our end of input; it sent " + all.size() + " bytes", e);
        } catch (IOException e) {
            // a reset ends the stream too
        }
        return all.toByteArray();
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException e) {
            // test cleanup
        }
    }
}
