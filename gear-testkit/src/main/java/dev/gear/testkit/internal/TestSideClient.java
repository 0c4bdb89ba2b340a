package dev.gear.testkit.internal;

import dev.gear.Packet;
import dev.gear.PacketType;
import dev.gear.Precedence;
import dev.gear.internal.codec.DecodeError;
import dev.gear.internal.transport.ConnectionHandler;
import dev.gear.internal.transport.EventLoop;
import dev.gear.internal.transport.NioConnection;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;

/**
 * The test kit's own client connection: submits jobs for {@code submit(...)} and sends admin
 * commands for {@code reset()}. Replies come in request order on one connection, so a FIFO of
 * futures is all the correlation needed. Results of submitted jobs are read from the journal,
 * which sees them whether or not this connection is still there.
 */
public final class TestSideClient implements ConnectionHandler {
    private final EventLoop loop;
    private final StubWorker.Connector connector;
    private final ArrayDeque<CompletableFuture<String>> created = new ArrayDeque<>();
    private final ArrayDeque<CompletableFuture<String>> adminReplies = new ArrayDeque<>();
    private NioConnection connection;
    private CompletableFuture<NioConnection> connecting;

    public TestSideClient(EventLoop loop, StubWorker.Connector connector) {
        this.loop = loop;
        this.connector = connector;
    }

    /** Submits a job; completes with its handle once JOB_CREATED arrives. */
    public CompletableFuture<String> submit(String function, String unique, byte[] payload, Precedence precedence,
            boolean background) {
        CompletableFuture<String> handle = new CompletableFuture<>();
        byte[] p = payload.clone();
        withConnection(handle, c -> {
            created.add(handle);
            c.send(Packet.request(precedence.submitType(background), function.getBytes(StandardCharsets.UTF_8),
                    unique.getBytes(StandardCharsets.UTF_8), p));
        });
        return handle;
    }

    /** Sends one admin line; completes with the first reply line (enough for {@code cancel job}). */
    public CompletableFuture<String> admin(String line) {
        CompletableFuture<String> reply = new CompletableFuture<>();
        withConnection(reply, c -> {
            adminReplies.add(reply);
            c.sendText(line + "\n");
        });
        return reply;
    }

    /** The local address of the connection, once connected. */
    public CompletableFuture<InetSocketAddress> localAddress() {
        CompletableFuture<InetSocketAddress> out = new CompletableFuture<>();
        withConnection(out, c -> out.complete(c.localAddress()));
        return out;
    }

    public CompletableFuture<Void> disconnect() {
        return loop.submit(() -> {
            if (connection != null) {
                connection.close("test kit client disconnecting");
            }
            connection = null;
            connecting = null;
            return null;
        });
    }

    private interface Action {
        void run(NioConnection c);
    }

    private void withConnection(CompletableFuture<?> result, Action action) {
        loop.execute(() -> {
            if (connection == null && connecting == null) {
                connecting = connector.connect(this);
                connecting.whenComplete((c, e) -> loop.execute(() -> {
                    connecting = null;
                    if (e == null) {
                        connection = c;
                    }
                }));
            }
            CompletableFuture<NioConnection> ready = connection != null && connection.isOpen()
                    ? CompletableFuture.completedFuture(connection) : connecting;
            ready.whenComplete((c, e) -> loop.execute(() -> {
                if (e != null) {
                    result.completeExceptionally(e);
                    return;
                }
                try {
                    action.run(c);
                } catch (RuntimeException ex) {
                    result.completeExceptionally(ex);
                }
            }));
        });
    }

    @Override
    public void onPacket(NioConnection c, Packet packet) {
        if (packet.type() == PacketType.JOB_CREATED) {
            CompletableFuture<String> f = created.poll();
            if (f != null) {
                f.complete(packet.fieldString(0));
            }
        } else if (packet.type() == PacketType.ERROR) {
            CompletableFuture<String> f = created.poll();
            if (f != null) {
                f.completeExceptionally(new IllegalStateException("server refused the submission: "
                        + packet.fieldString(0) + " " + packet.fieldString(1)));
            }
        }
        // WORK_* for submitted jobs: the journal records them; nothing to do here.
    }

    @Override
    public void onLine(NioConnection c, String line) {
        CompletableFuture<String> f = adminReplies.poll();
        if (f != null) {
            f.complete(line);
        }
    }

    @Override
    public void onDecodeError(NioConnection c, DecodeError error) {
        // Only a fault aimed at this connection can cause it; nothing to recover.
    }

    @Override
    public void onClosed(NioConnection c, String reason) {
        if (c == connection) {
            connection = null;
        }
        IllegalStateException gone = new IllegalStateException("test kit client connection closed: " + reason);
        created.forEach(f -> f.completeExceptionally(gone));
        created.clear();
        adminReplies.forEach(f -> f.completeExceptionally(gone));
        adminReplies.clear();
    }
}
