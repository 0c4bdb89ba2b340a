package dev.gear.it.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gear.Packet;
import dev.gear.PacketType;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Proves that {@link RawConnection}'s assertions fail when they should, against a scripted peer
 * on a loopback socket: the conformance suite is only as good as these.
 */
class RawConnectionTest {
    private ServerSocket listener;
    private RawConnection connection;
    private Socket peer;

    @BeforeEach
    void connect() throws IOException {
        listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        connection = RawConnection.open(listener.getInetAddress().getHostAddress(), listener.getLocalPort());
        peer = listener.accept();
    }

    @AfterEach
    void close() throws IOException {
        connection.close();
        peer.close();
        listener.close();
    }

    private void peerSends(byte[] bytes) throws IOException {
        peer.getOutputStream().write(bytes);
        peer.getOutputStream().flush();
    }

    private void peerSends(Packet packet) throws IOException {
        peerSends(packet.toBinary());
    }

    @Test
    void expectPacketReturnsAMatchingPacket() throws IOException {
        peerSends(Packet.response(PacketType.JOB_CREATED, "H:x:1"));
        assertThat(connection.expectPacket(PacketType.JOB_CREATED).fieldString(0)).isEqualTo("H:x:1");
    }

    @Test
    void expectPacketFailsOnAnotherTypeAndShowsIt() throws IOException {
        peerSends(Packet.response(PacketType.NO_JOB));
        assertThatThrownBy(() -> connection.expectPacket(PacketType.NOOP))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("Expected a NOOP packet").hasMessageContaining("NO_JOB");
    }

    @Test
    void expectPacketFailsOnRequestMagic() throws IOException {
        peerSends(Packet.request(PacketType.NOOP));
        assertThatThrownBy(() -> connection.expectPacket(PacketType.NOOP))
                .isInstanceOf(AssertionError.class).hasMessageContaining("RES magic");
    }

    @Test
    void expectPacketWithFieldsFailsOnOtherFields() throws IOException {
        peerSends(Packet.response(PacketType.JOB_CREATED, "H:x:2"));
        assertThatThrownBy(() -> connection.expectPacket(PacketType.JOB_CREATED, "H:x:1"))
                .isInstanceOf(AssertionError.class).hasMessageContaining("[H:x:1]").hasMessageContaining("H:x:2");
    }

    @Test
    void aReadTimesOutWithAClearMessage() {
        assertThatThrownBy(() -> connection.nextFrame(Duration.ofMillis(50)))
                .isInstanceOf(AssertionError.class).hasMessageContaining("within 50 ms");
    }

    @Test
    void adminRepliesReadAlikeWithLfAndCrLf() throws IOException {
        peerSends("OK\r\nf\t1\t0\t0\r\n.\nOK 12\n".getBytes(StandardCharsets.US_ASCII));
        assertThat(connection.readAdminReply()).containsExactly("OK");
        assertThat(connection.readAdminReply()).containsExactly("f\t1\t0\t0");
        assertThat(connection.readAdminReply()).containsExactly("OK 12");
    }

    @Test
    void anEmptyListReplyHasNoLines() throws IOException {
        peerSends(".\n".getBytes(StandardCharsets.US_ASCII));
        assertThat(connection.readAdminReply()).isEmpty();
    }

    @Test
    void readLineFailsOnAPacket() throws IOException {
        peerSends(Packet.response(PacketType.NOOP));
        assertThatThrownBy(connection::readLine)
                .isInstanceOf(AssertionError.class).hasMessageContaining("admin text line").hasMessageContaining("NOOP");
    }

    @Test
    void noReplyPendingPassesWhenTheEchoComesFirst() {
        CompletableFuture<Void> echoer = CompletableFuture.runAsync(this::echoOnePacket);
        connection.assertNoReplyPending();
        echoer.join();
    }

    @Test
    void noReplyPendingFailsWhenAFrameArrivesBeforeTheEcho() throws IOException {
        peerSends(Packet.response(PacketType.NOOP));
        assertThatThrownBy(connection::assertNoReplyPending)
                .isInstanceOf(AssertionError.class).hasMessageContaining("barrier").hasMessageContaining("NOOP");
    }

    @Test
    void closedByPeerPassesOnClose() throws IOException {
        peer.close();
        connection.assertClosedByPeer(Duration.ofSeconds(5));
    }

    @Test
    void closedByPeerFailsWhenThePeerSendsSomething() throws IOException {
        peerSends(Packet.response(PacketType.NOOP));
        assertThatThrownBy(() -> connection.assertClosedByPeer(Duration.ofSeconds(5)))
                .isInstanceOf(AssertionError.class).hasMessageContaining("NOOP");
    }

    @Test
    void closedByPeerFailsWhenThePeerStaysOpen() {
        assertThatThrownBy(() -> connection.assertClosedByPeer(Duration.ofMillis(50)))
                .isInstanceOf(AssertionError.class).hasMessageContaining("within 50 ms");
    }

    @Test
    void undecodableBytesFailTheRead() throws IOException {
        peerSends(new byte[] {0, 'X', 'Y', 'Z', 0, 0, 0, 1, 0, 0, 0, 0});
        assertThatThrownBy(connection::nextFrame)
                .isInstanceOf(AssertionError.class).hasMessageContaining("do not decode");
    }

    @Test
    void aClosedStreamFailsAFrameRead() throws IOException {
        peer.close();
        assertThatThrownBy(connection::nextFrame)
                .isInstanceOf(AssertionError.class).hasMessageContaining("closed the connection");
    }

    /** Reads one ECHO_REQ from the peer socket and answers it, as a server would. */
    private void echoOnePacket() {
        try {
            peer.setSoTimeout((int) TimeUnit.SECONDS.toMillis(5));
            DataInputStream in = new DataInputStream(peer.getInputStream());
            byte[] header = new byte[Packet.HEADER_LENGTH];
            in.readFully(header);
            int length = ((header[8] & 0xff) << 24) | ((header[9] & 0xff) << 16) | ((header[10] & 0xff) << 8)
                    | (header[11] & 0xff);
            byte[] data = new byte[length];
            in.readFully(data);
            peerSends(Packet.response(PacketType.ECHO_RES, data));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
