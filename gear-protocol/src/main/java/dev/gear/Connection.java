package dev.gear;

import dev.gear.internal.client.Await;
import dev.gear.internal.client.ServerLink;
import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/**
 * One configured server of a {@link Client} or {@link Worker} (gear's {@code Connection}). It
 * outlives its sockets: after a drop it reconnects on its own. Thread-safe.
 */
public final class Connection {
    private final ServerLink<?> server;

    Connection(ServerLink<?> server) {
        this.server = server;
    }

    public String host() {
        return server.host();
    }

    public int port() {
        return server.port();
    }

    /** Whether a socket to the server is open now. */
    public boolean isConnected() {
        return server.isConnected();
    }

    /**
     * Why this server is not connected now: how the last connect attempt failed (refused, timed
     * out, or a TLS handshake refused, e.g. {@code cannot connect to 127.0.0.1:4730: TLS handshake
     * failed: server refused the handshake: Received fatal alert: bad_certificate}) or why the last
     * connection was lost. Empty while connected and before the first attempt has ended. The same
     * text appears in the messages of {@code waitForServer}'s timeout and of
     * {@link NoConnectedServersException}.
     */
    public Optional<String> lastConnectFailure() {
        return Optional.ofNullable(server.lastFailure());
    }

    /**
     * Sends an administrative text command and waits for the reply, which is parsed into the
     * request ({@code \n} and {@code \r\n} line ends are both read; the command goes out with
     * {@code \r\n}).
     *
     * @return {@code request}, now holding the response
     * @throws GearmanErrorException    when the server answered {@code ERR <code> <text>}
     * @throws GearmanTimeoutException  when no complete reply came within {@code timeout}
     * @throws ConnectionException      when the server is not connected or the connection dropped
     */
    public <T extends AdminRequest> T sendAdminRequest(T request, Duration timeout) {
        Objects.requireNonNull(request, "request");
        Await.refuseOnIoThread(() -> "admin command '" + request.commandLine() + "'"); // before it is sent
        CompletableFuture<List<String>> reply = server.admin(request.commandLine(), request.isMultiLine(), timeout);
        request.setResponse(Await.result(reply, timeout, "admin command '" + request.commandLine() + "'"));
        return request;
    }

    /** {@link #sendAdminRequest(AdminRequest, Duration)} with the owner's default request timeout. */
    public <T extends AdminRequest> T sendAdminRequest(T request) {
        return sendAdminRequest(request, server.pool().settings().requestTimeout());
    }

    /**
     * Sends ECHO_REQ and waits for the ECHO_RES.
     *
     * @return the echoed payload
     * @throws InvalidDataException    when the server echoed something else
     * @throws GearmanTimeoutException when the server did not answer within {@code timeout}
     */
    public byte[] echo(byte[] data, Duration timeout) {
        Await.refuseOnIoThread(() -> "ECHO_REQ on " + server);
        byte[] payload = data.clone();
        CompletableFuture<byte[]> reply = server.request(Packet.request(PacketType.ECHO_REQ, payload),
                EnumSet.of(PacketType.ECHO_RES), timeout, "ECHO_REQ", p -> {
                    byte[] echoed = p.data();
                    if (!Arrays.equals(echoed, payload)) {
                        throw new InvalidDataException("ECHO_RES from " + server + " carries " + echoed.length
                                + " bytes that differ from the " + payload.length + " bytes sent");
                    }
                    return echoed;
                });
        return Await.result(reply, timeout, "ECHO_REQ on " + server);
    }

    /** {@link #echo(byte[], Duration)} with the owner's default request timeout. */
    public byte[] echo(byte[] data) {
        return echo(data, server.pool().settings().requestTimeout());
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Connection && ((Connection) o).server == server;
    }

    @Override
    public int hashCode() {
        return System.identityHashCode(server);
    }

    @Override
    public String toString() {
        return "Connection[" + server + (isConnected() ? ", connected]" : ", not connected]");
    }
}
