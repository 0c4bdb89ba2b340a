package dev.gear.it.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gear.Client;
import dev.gear.Job;
import dev.gear.Magic;
import dev.gear.Packet;
import dev.gear.PacketType;
import dev.gear.Worker;
import dev.gear.WorkerJob;
import dev.gear.internal.server.ServerAccess;
import dev.gear.internal.server.ServerEvent;
import dev.gear.it.support.Frame;
import dev.gear.it.support.RawConnection;
import dev.gear.server.Acl;
import dev.gear.server.AclEntry;
import dev.gear.server.ConnectionSnapshot;
import dev.gear.server.JobSnapshot;
import dev.gear.server.Server;
import dev.gear.server.ServerSnapshot;
import dev.gear.testkit.HeldCertificate;
import dev.gear.testkit.TestCertificates;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * TLS and ACL abuse against a real {@link Server} with TLS and an ACL, while a watchdog TLS client
 * and worker (our {@link Client} and {@link Worker}) keep completing jobs.
 *
 * <p>Each round sends, from certificates of the right CA without rights (no ACL entry) or with
 * partial rights: every packet type a client can send and every admin command; and, on the TLS
 * port, handshake garbage (plain Gearman bytes, random bytes, a truncated ClientHello, a
 * ClientHello then silence, an SSLv2-format hello, HTTP), a TLS 1.2 renegotiation, ClientHellos
 * offering only TLS 1.0/1.1 or only NULL/export/RC4 suites, certificates from another CA (one with
 * the CN of an ACL entry: CN spoofing), and an expired certificate. Every attempt must be refused
 * with its exact error, be on record (the server's {@code AclDenied} event or its WARN log line,
 * matched by the attacker's port), and change nothing: after every round a privileged view of the
 * server (snapshot, ACL, a held and a parked job) equals the one before. Read-only requests that
 * gear answers for any certificate (status, workers, GET_STATUS, ECHO, ...) are answered, and
 * counted as such.
 *
 * <p>Short variant: one round. Long: rounds until {@code -Dsoak.seconds} pass. One
 * {@code SUMMARY tls-acl} line; the refusal table goes to {@code target/tls-acl-abuse.md}.
 */
class TlsAclAbuseIT {
    private static final String HOST = "127.0.0.1";
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final Duration HANDSHAKE_TIMEOUT = Duration.ofSeconds(2);
    private static final TestCertificates CERTS = TestCertificates.get();
    private static final TestCertificates ROGUE_CA = TestCertificates.builder().caName("rogue CA").build();
    private static final String DENIED = "ERROR 0 Permission denied by ACL";
    private static final String ADMIN_DENIED = "ERR PERMISSION_DENIED";

    private final List<AutoCloseable> resources = new ArrayList<>();
    /** Every ACL denial the server reported (its journal), in order. */
    private final List<ServerEvent.AclDenied> denials = java.util.Collections.synchronizedList(new ArrayList<>());
    /** A job or registration outside the watch.* functions: something was granted that must not be. */
    private final List<ServerEvent> grants = java.util.Collections.synchronizedList(new ArrayList<>());
    private final Map<String, Tally> tallies = new TreeMap<>();
    private final Random random = new Random(7);
    private Server server;
    private Acl acl;
    private LogTap log;
    /** The abuse being sent right now, for the watchdog's worst round trip. */
    private volatile String current = "setup";
    private RawConnection admin;
    private String heldHandle;
    private String parkedHandle;

    @AfterEach
    void close() throws Exception {
        for (int i = resources.size() - 1; i >= 0; i--) {
            resources.get(i).close();
        }
        if (log != null) {
            log.uninstall();
        }
    }

    @Test
    void abuseIsRefusedRecordedAndGrantsNothingWhileOthersAreServed() throws Exception {
        log = LogTap.install();
        acl = new Acl();
        acl.add(new AclEntry("watch-client", null, "watch\\..*", false));
        acl.add(new AclEntry("watch-worker", "watch\\..*", null, false));
        acl.add(new AclEntry("admin", null, "watch\\..*", true));
        acl.add(new AclEntry("partial-client", null, "build\\..*", false));
        acl.add(new AclEntry("partial-worker", "build\\..*", null, false));
        server = add(Server.builder().port(0).listenAddress(HOST).tls(CERTS.serverContext())
                .tlsHandshakeTimeout(HANDSHAKE_TIMEOUT).acl(acl).adminShutdown(true).build().start());
        ServerAccess.core(server).addEventListener(this::record);

        Watchdog watchdog = add(new Watchdog());
        admin = add(tls("admin"));
        // A running job held by its worker and a queued job nobody serves: targets for WORK_* and cancel.
        RawConnection holder = add(tls("watch-worker"));
        holder.send(PacketType.CAN_DO, "watch.hold");
        holder.assertNoReplyPending();
        admin.send(Packet.request(PacketType.SUBMIT_JOB, "watch.hold", "held", "h"));
        heldHandle = admin.expectPacket(PacketType.JOB_CREATED).fieldString(0);
        holder.send(PacketType.GRAB_JOB_UNIQ);
        assertThat(holder.expectPacket(PacketType.JOB_ASSIGN_UNIQ).fieldString(0)).isEqualTo(heldHandle);
        admin.send(Packet.request(PacketType.SUBMIT_JOB_BG, "watch.parked", "parked", "p"));
        parkedHandle = admin.expectPacket(PacketType.JOB_CREATED).fieldString(0);
        watchdog.awaitRoundTrips(1);

        String before = privilegedView();
        watchdog.resetWorst(); // from here on: latency while the abuse runs
        Instant end = Instant.now().plus(Soak.duration(Duration.ZERO));
        int rounds = 0;
        do {
            packetAbuse("nobody");
            packetAbuse("partial-worker");
            partialRights();
            adminAbuse("nobody");
            adminAbuse("partial-client");
            handshakeAbuse();
            rounds++;
            assertThat(privilegedView()).as("the server's state after round " + rounds).isEqualTo(before);
            assertThat(watchdog.failure()).as("the watchdog's last failure").isNull();
        } while (Instant.now().isBefore(end));

        long roundTripsDuringAbuse = watchdog.roundTrips();
        watchdog.awaitRoundTrips(roundTripsDuringAbuse + 1); // still served right after the last attack
        watchdog.close();
        assertThat(watchdog.failure()).isNull();

        // Nothing granted, checked once more from the outside: no queue limit was set (two more
        // parked jobs are accepted), the held job is still its worker's and completes, the server runs.
        for (String unique : List.of("extra-1", "extra-2")) {
            admin.send(Packet.request(PacketType.SUBMIT_JOB_BG, "watch.parked", unique, "p"));
            admin.expectPacket(PacketType.JOB_CREATED);
        }
        holder.send(Packet.request(PacketType.WORK_COMPLETE, heldHandle.getBytes(StandardCharsets.UTF_8),
                "done".getBytes(StandardCharsets.UTF_8)));
        admin.expectPacket(PacketType.WORK_COMPLETE, heldHandle, "done");
        assertThat(acl.getEntries()).extracting(AclEntry::subject)
                .containsExactly("admin", "partial-client", "partial-worker", "watch-client", "watch-worker");
        assertThat(server.isRunning()).isTrue();
        assertThat(grants).as("jobs or registrations outside watch.*, or by a subject without rights").isEmpty();

        long attempts = tallies.values().stream().mapToLong(t -> t.attempts).sum();
        long refused = tallies.values().stream().mapToLong(t -> t.refused).sum();
        long answered = tallies.values().stream().mapToLong(t -> t.answered).sum();
        assertThat(refused + answered).as("every attempt was refused or answered read-only").isEqualTo(attempts);
        Soak.summary("tls-acl").put("rounds", rounds).put("attempts", attempts).put("kinds", tallies.size())
                .put("refused", refused).put("answered_read_only", answered).put("granted", 0)
                .put("handshake_refusals", tallies.entrySet().stream().filter(e -> e.getKey().startsWith("tls "))
                        .mapToLong(e -> e.getValue().refused).sum())
                .put("watchdog_round_trips", watchdog.roundTrips())
                .put("watchdog_worst_ms", String.format("%.1f", watchdog.worstNanos() / 1e6))
                .put("watchdog_over_100ms", watchdog.slow())
                .put("worst_during", "'" + watchdog.worstDuring() + "'").print();
        writeTable(rounds);
    }

    // ---------------------------------------------------------------- packets

    /** Every packet type a client can send, from {@code cn} (no rights, or register rights elsewhere). */
    private void packetAbuse(String cn) {
        try (RawConnection c = tls(cn)) {
            for (PacketType type : List.of(PacketType.SUBMIT_JOB, PacketType.SUBMIT_JOB_BG, PacketType.SUBMIT_JOB_HIGH,
                    PacketType.SUBMIT_JOB_HIGH_BG, PacketType.SUBMIT_JOB_LOW, PacketType.SUBMIT_JOB_LOW_BG)) {
                String unique = random.nextBoolean() ? "parked" : "u" + random.nextInt(); // coalescing try too
                refused(cn, type.name(), c, Packet.request(type, "watch.parked", unique, "x"), DENIED,
                        invokeDenied("watch.parked"));
            }
            refused(cn, "SUBMIT_JOB_EPOCH", c, Packet.request(PacketType.SUBMIT_JOB_EPOCH, "watch.echo", "", "0", "x"),
                    DENIED, invokeDenied("watch.echo"));
            refused(cn, "SUBMIT_REDUCE_JOB", c,
                    Packet.request(PacketType.SUBMIT_REDUCE_JOB, "watch.echo", "", "watch.echo", "", "x"), DENIED,
                    invokeDenied("watch.echo"));
            refused(cn, "SUBMIT_REDUCE_JOB_BACKGROUND", c, Packet.request(PacketType.SUBMIT_REDUCE_JOB_BACKGROUND,
                    "watch.echo", "", "watch.echo", "", "x"), DENIED, invokeDenied("watch.echo"));
            // A denied CAN_DO is ignored without a reply, as in gear: on record, and never registered.
            silent(cn, "CAN_DO", c, Packet.request(PacketType.CAN_DO, "watch.echo"), registerDenied("watch.echo"));
            silent(cn, "CAN_DO_TIMEOUT", c, Packet.request(PacketType.CAN_DO_TIMEOUT, "watch.hold", "5000"),
                    registerDenied("watch.hold"));
            for (PacketType grab : List.of(PacketType.GRAB_JOB, PacketType.GRAB_JOB_UNIQ, PacketType.GRAB_JOB_ALL)) {
                refused(cn, grab.name(), c, Packet.request(grab), "NO_JOB", null);
            }
            for (PacketType work : List.of(PacketType.WORK_COMPLETE, PacketType.WORK_FAIL, PacketType.WORK_EXCEPTION,
                    PacketType.WORK_DATA, PacketType.WORK_WARNING, PacketType.WORK_STATUS)) {
                Packet p = work == PacketType.WORK_STATUS ? Packet.request(work, heldHandle, "1", "2")
                        : work == PacketType.WORK_FAIL ? Packet.request(work, heldHandle)
                        : Packet.request(work, heldHandle, "forged");
                refused(cn, work.name() + " (a job it does not hold)", c, p, "ERROR JOB_NOT_FOUND", null);
            }
            for (PacketType own : List.of(PacketType.CANT_DO, PacketType.RESET_ABILITIES, PacketType.PRE_SLEEP,
                    PacketType.SET_CLIENT_ID)) {
                Packet p = own == PacketType.CANT_DO ? Packet.request(own, "watch.echo")
                        : own == PacketType.SET_CLIENT_ID ? Packet.request(own, "admin") : Packet.request(own);
                answered(cn, own.name() + " (own connection only)", c, p, null);
            }
            answered(cn, "GET_STATUS", c, Packet.request(PacketType.GET_STATUS, heldHandle), "STATUS_RES");
            answered(cn, "GET_STATUS_UNIQUE", c, Packet.request(PacketType.GET_STATUS_UNIQUE, "parked"),
                    "STATUS_RES_UNIQUE");
            answered(cn, "OPTION_REQ", c, Packet.request(PacketType.OPTION_REQ, "exceptions"), "OPTION_RES");
            answered(cn, "ECHO_REQ", c, Packet.request(PacketType.ECHO_REQ, "ping".getBytes(StandardCharsets.UTF_8)),
                    "ECHO_RES");
            for (PacketType type : PacketType.values()) {
                if (!type.isAcceptedByServer() && type != PacketType.UNUSED) {
                    refused(cn, type.name() + " (a server's packet)", c, filler(Magic.REQ, type),
                            "ERROR INVALID_COMMAND", null);
                }
            }
            refused(cn, "RES magic", c, filler(Magic.RES, PacketType.SUBMIT_JOB), "ERROR INVALID_MAGIC", null);
        }
    }

    /** Partial entries: rights for build.* never reach watch.*; register does not imply invoke, nor the reverse. */
    private void partialRights() {
        try (RawConnection client = tls("partial-client"); RawConnection worker = tls("partial-worker")) {
            refused("partial-client", "SUBMIT_JOB outside its invoke pattern", client,
                    Packet.request(PacketType.SUBMIT_JOB, "watch.echo", "", "x"), DENIED, invokeDenied("watch.echo"));
            refused("partial-client", "SUBMIT_JOB with a pattern prefix (build.x under watch)", client,
                    Packet.request(PacketType.SUBMIT_JOB, "watch.build.x", "", "x"), DENIED,
                    invokeDenied("watch.build.x"));
            silent("partial-client", "CAN_DO with invoke rights only", client,
                    Packet.request(PacketType.CAN_DO, "build.x"), registerDenied("build.x"));
            refused("partial-worker", "SUBMIT_JOB with register rights only", worker,
                    Packet.request(PacketType.SUBMIT_JOB, "build.x", "", "x"), DENIED, invokeDenied("build.x"));
            silent("partial-worker", "CAN_DO outside its register pattern", worker,
                    Packet.request(PacketType.CAN_DO, "watch.parked"), registerDenied("watch.parked"));
            refused("partial-worker", "GRAB_JOB while watch.parked waits", worker, Packet.request(PacketType.GRAB_JOB),
                    "NO_JOB", null);
        }
    }

    private static Packet filler(Magic magic, PacketType type) {
        byte[][] fields = new byte[type.fieldCount()][];
        for (int i = 0; i < fields.length; i++) {
            fields[i] = ("f" + i).getBytes(StandardCharsets.UTF_8);
        }
        Packet request = Packet.request(type, fields);
        return magic == Magic.REQ ? request : request.withMagic(magic);
    }

    // ---------------------------------------------------------------- admin commands

    private void adminAbuse(String cn) {
        try (RawConnection c = tls(cn)) {
            for (String line : List.of("shutdown", "shutdown graceful", "maxqueue watch.parked 1",
                    "maxqueue watch.echo 0 0 0", "create function intruder", "drop function watch.parked",
                    "acl grant invoke " + cn + " .*", "acl grant register " + cn + " .*", "acl grant grant " + cn,
                    "acl revoke all admin", "acl revoke invoke watch-client")) {
                adminRefused(cn, line, c);
            }
            adminRefused(cn, "cancel job " + parkedHandle, c);
            // Running jobs cannot be cancelled by anyone; the reply does not depend on rights.
            tally(cn, "cancel job <running job>").refused(c.adminLine("cancel job " + heldHandle), "ERR UNKNOWN_JOB");
            if (cn.equals("nobody")) {
                // Revoking one's own rights is always allowed (gear); with no entry it changes nothing.
                tally(cn, "acl self-revoke all (own, no entry)").answered(c.adminLine("acl self-revoke all"), "OK");
            }
            for (String line : List.of("status", "workers", "prioritystatus", "show jobs", "show unique jobs",
                    "acl list")) {
                tally(cn, line).answered(String.valueOf(c.adminList(line).size()) + " lines", "");
            }
            for (String line : List.of("version", "getpid", "verbose")) {
                tally(cn, line).answered(c.adminLine(line), "OK ");
            }
        }
    }

    private void adminRefused(String cn, String line, RawConnection c) {
        String[] words = line.split(" ");
        int actionWords = line.startsWith("acl") || line.startsWith("cancel") || line.contains(" function ") ? 2 : 1;
        String action = String.join(" ", List.of(words).subList(0, actionWords));
        String target = String.join(" ", List.of(words).subList(actionWords, words.length));
        long mark = mark();
        String reply = c.adminLine(line);
        Tally t = tally(cn, line.replace(parkedHandle, "<queued job>").replace(" " + cn, " <self>"));
        t.refused(reply, ADMIN_DENIED);
        awaitRecord(cn, line, mark, d -> d.action().equals(action) && d.target().equals(target));
    }

    // ---------------------------------------------------------------- handshakes

    private void handshakeAbuse() throws Exception {
        byte[] random16 = new byte[16];
        random.nextBytes(random16);
        // Never a handshake record or an SSLv2 header by chance: those have their own cases.
        random16[0] = (byte) (random16[0] & 0x7f) == 0x16 ? 0x17 : (byte) (random16[0] & 0x7f);
        rawRefused("plain Gearman bytes (ECHO_REQ)",
                Packet.request(PacketType.ECHO_REQ, "hi".getBytes(StandardCharsets.UTF_8)).toBinary(), true,
                "plaintext on TLS port (first byte 0x00, expected a TLS handshake record 0x16)");
        rawRefused("random bytes", random16, true, "plaintext on TLS port (first byte");
        rawRefused("HTTP request", "GET / HTTP/1.1\r\nHost: gear\r\n\r\n".getBytes(StandardCharsets.US_ASCII), true,
                "plaintext on TLS port (first byte 0x47 'G', expected a TLS handshake record 0x16)");
        rawRefused("SSLv2-format ClientHello", new byte[] {(byte) 0x80, 0x2e, 0x01, 0x03, 0x01, 0x00, 0x15}, true,
                "SSLv2-format ClientHello (first byte 0x80): SSL 2.0 and its hello format are not accepted");
        byte[] hello = clientHello(0x0303, 0xc02b);
        rawRefused("truncated ClientHello, then close", java.util.Arrays.copyOf(hello, 20), false,
                "peer closed the connection during the TLS handshake");
        rawRefused("ClientHello start, then silence", java.util.Arrays.copyOf(hello, 20), true,
                "TLS handshake not finished within " + HANDSHAKE_TIMEOUT.toMillis() + " ms");
        rawRefused("TLS 1.0-only ClientHello (downgrade)", clientHello(0x0301, 0x002f), true,
                "no common TLS protocol (Client requested protocol TLSv1 is not enabled");
        rawRefused("TLS 1.1-only ClientHello (downgrade)", clientHello(0x0302, 0x002f), true,
                "no common TLS protocol (Client requested protocol TLSv1.1 is not enabled");
        rawRefused("NULL suites only (TLS_RSA_WITH_NULL_SHA/SHA256)", clientHello(0x0303, 0x0002, 0x003b), true,
                "no common cipher suite: the client offered none this server enables");
        rawRefused("export/RC4 suites only", clientHello(0x0303, 0x0003, 0x0005), true,
                "no common cipher suite: the client offered none this server enables");

        certificateRefused("certificate from another CA", TestCertificates.sslContext(ROGUE_CA.client("mallory"),
                CERTS.caCertificate()), "unknown CA: the client certificate is not signed by a trusted CA");
        certificateRefused("CN spoofing: CN=admin (grant rights) from another CA", TestCertificates.sslContext(
                ROGUE_CA.client("admin"), CERTS.caCertificate()),
                "unknown CA: the client certificate is not signed by a trusted CA");
        Instant now = Instant.now();
        HeldCertificate expired = CERTS.issueClient("watch-client", now.minus(Duration.ofDays(10)),
                now.minus(Duration.ofDays(1)));
        certificateRefused("expired certificate (CN of an ACL entry)", CERTS.sslContext(expired),
                "client certificate expired");
        certificateRefused("no client certificate", TestCertificates.sslContext(null, CERTS.caCertificate()),
                "no client certificate");
        renegotiation();
    }

    /** Raw bytes on the TLS port; {@code holdOpen}: stay connected until the server closes. */
    private void rawRefused(String kind, byte[] bytes, boolean holdOpen, String reason) throws IOException {
        Tally t = tally("tls", kind);
        t.attempts++;
        int mark = log.mark();
        int port;
        try (Socket s = new Socket(HOST, server.port())) {
            port = s.getLocalPort();
            s.setSoTimeout((int) WAIT.toMillis());
            s.getOutputStream().write(bytes);
            s.getOutputStream().flush();
            if (holdOpen) {
                drainUntilClosed(s.getInputStream());
            }
        }
        t.refusedWith(log.await(mark, port, reason, "TLS handshake failed"));
    }

    /** A JDK TLS client with a certificate the server must refuse. */
    private void certificateRefused(String kind, SSLContext context, String reason) throws IOException {
        Tally t = tally("tls", kind);
        t.attempts++;
        int mark = log.mark();
        int port;
        try (SSLSocket s = (SSLSocket) context.getSocketFactory().createSocket(HOST, server.port())) {
            port = s.getLocalPort();
            s.setSoTimeout((int) WAIT.toMillis());
            try {
                s.startHandshake();
                s.getOutputStream().write(filler(Magic.REQ, PacketType.ECHO_REQ).toBinary());
                drainUntilClosed(s.getInputStream());
            } catch (IOException expected) {
                // the alert (TLS 1.2, or TLS 1.3 on first read) or the close
            }
        }
        t.refusedWith(log.await(mark, port, reason, "TLS handshake failed"));
    }

    /** TLS 1.2, a right certificate without rights, then a second handshake on the open connection. */
    private void renegotiation() throws IOException {
        Tally t = tally("tls", "TLS 1.2 client-initiated renegotiation");
        t.attempts++;
        int mark = log.mark();
        int port;
        try (SSLSocket s = (SSLSocket) CERTS.clientContext("nobody").getSocketFactory().createSocket(HOST,
                server.port())) {
            s.setEnabledProtocols(new String[] {"TLSv1.2"});
            port = s.getLocalPort();
            RawConnection c = RawConnection.over(s, "server (TLS 1.2)");
            c.assertNoReplyPending();
            try {
                s.startHandshake();
                c.assertNoReplyPending();
                throw new AssertionError("the server renegotiated");
            } catch (java.io.UncheckedIOException | IOException | AssertionError closed) {
                if (closed.getMessage() != null && closed.getMessage().equals("the server renegotiated")) {
                    throw closed;
                }
            }
        }
        t.refusedWith(log.await(mark, port, "client-initiated TLS 1.2 renegotiation refused", "TLS error"));
    }

    private static void drainUntilClosed(InputStream in) {
        try {
            byte[] buffer = new byte[256];
            while (in.read(buffer) >= 0) {
                // alerts and the like; the server closes after them
            }
        } catch (IOException reset) {
            // a reset is a close too
        }
    }

    /** A TLS 1.0-1.2 style ClientHello: no extensions, null compression, the given suites. */
    private static byte[] clientHello(int version, int... suites) {
        int bodyLength = 2 + 32 + 1 + 2 + 2 * suites.length + 2;
        ByteBuffer b = ByteBuffer.allocate(5 + 4 + bodyLength);
        b.put((byte) 0x16).putShort((short) 0x0301).putShort((short) (4 + bodyLength));
        b.put((byte) 1).put((byte) 0).putShort((short) bodyLength);
        b.putShort((short) version).put(new byte[32]).put((byte) 0).putShort((short) (2 * suites.length));
        for (int suite : suites) {
            b.putShort((short) suite);
        }
        b.put((byte) 1).put((byte) 0);
        return b.array();
    }

    // ---------------------------------------------------------------- checks

    /** A request that must be refused with {@code expected}; {@code record}: the AclDenied it must leave. */
    private void refused(String cn, String kind, RawConnection c, Packet request, String expected,
            Predicate<ServerEvent.AclDenied> record) {
        long mark = mark();
        c.send(request);
        tally(cn, kind).refused(describe(c.nextFrame()), expected);
        if (record != null) {
            awaitRecord(cn, kind, mark, record);
        }
    }

    /** A request the server ignores without a reply (a denied CAN_DO), on record all the same. */
    private void silent(String cn, String kind, RawConnection c, Packet request,
            Predicate<ServerEvent.AclDenied> record) {
        long mark = mark();
        c.send(request);
        c.assertNoReplyPending();
        tally(cn, kind).refused("(no reply, as gear)", "");
        awaitRecord(cn, kind, mark, record);
        assertThat(server.snapshot().connections()).filteredOn(conn -> cn.equals(conn.subject()))
                .allSatisfy(conn -> assertThat(conn.functions()).as(cn + " registered nothing").isEmpty());
    }

    /** A read-only or own-connection request gear answers for anyone. */
    private void answered(String cn, String kind, RawConnection c, Packet request, String expected) {
        c.send(request);
        if (expected == null) {
            c.assertNoReplyPending();
            tally(cn, kind).answered("(no reply)", "");
        } else {
            tally(cn, kind).answered(describe(c.nextFrame()), expected);
        }
    }

    private static Predicate<ServerEvent.AclDenied> invokeDenied(String function) {
        return d -> d.action().equals("invoke") && d.target().equals(function);
    }

    private static Predicate<ServerEvent.AclDenied> registerDenied(String function) {
        return d -> d.action().equals("register") && d.target().equals(function);
    }

    private long mark() {
        return denials.size();
    }

    /** On the server's loop: keeps denials, flags anything granted to a peer that has no right to it. */
    private void record(ServerEvent event) {
        if (event instanceof ServerEvent.AclDenied d) {
            denials.add(d);
        } else if (event instanceof ServerEvent.JobSubmitted j && !j.function().startsWith("watch.")) {
            grants.add(event);
        } else if (event instanceof ServerEvent.CanDo c && !List.of("watch.echo", "watch.hold").contains(c.function())) {
            grants.add(event);
        }
    }

    /** The denial is on record: an AclDenied event for {@code cn} after {@code mark}, within WAIT. */
    private void awaitRecord(String cn, String kind, long mark, Predicate<ServerEvent.AclDenied> match) {
        // The event is emitted on the loop before the reply is written, so it is already there;
        // for a silent CAN_DO the ECHO barrier has been answered after it.
        List<ServerEvent.AclDenied> recent;
        synchronized (denials) {
            recent = new ArrayList<>(denials.subList((int) mark, denials.size()));
        }
        assertThat(recent).as(cn + " " + kind + ": the server's record of the denial")
                .anyMatch(d -> cn.equals(d.subject()) && match.test(d));
    }

    private static String describe(Frame frame) {
        if (!frame.isPacket()) {
            return frame.line();
        }
        Packet p = frame.packet();
        if (p.type() == PacketType.ERROR) {
            return "ERROR " + p.fieldString(0) + " " + p.fieldString(1);
        }
        return p.type().name();
    }

    /**
     * What a privileged observer sees, minus the watchdog's own traffic: the ACL, every function
     * but watch.echo with its counts, every job but watch.echo's, the registered workers.
     */
    private String privilegedView() {
        ServerSnapshot s = server.snapshot();
        StringBuilder view = new StringBuilder("acl=").append(acl.getEntries()).append('\n');
        s.functions().stream().filter(f -> !f.name().equals("watch.echo"))
                .forEach(f -> view.append("function ").append(f).append('\n'));
        s.jobs().stream().filter(j -> !j.function().equals("watch.echo"))
                .forEach(j -> view.append("job ").append(j.handle()).append(' ').append(j.function()).append(' ')
                        .append(j.state()).append(' ').append(j.numerator()).append('/').append(j.denominator())
                        .append('\n'));
        s.workers().stream().map(c -> "worker " + c.subject() + " " + c.functions()).sorted()
                .forEach(w -> view.append(w).append('\n'));
        view.append("running=").append(server.isRunning()).append('\n');
        view.append("admin acl list=").append(admin.adminList("acl list"));
        return view.toString();
    }

    // ---------------------------------------------------------------- bookkeeping

    private Tally tally(String who, String kind) {
        current = who + " " + kind;
        return tallies.computeIfAbsent(who + " " + kind, k -> new Tally());
    }

    /** Attempts of one kind and the reply or log message observed (the first one, for the table). */
    private static final class Tally {
        long attempts;
        long refused;
        long answered;
        String observed;

        void refused(String reply, String expectedPrefix) {
            attempts++;
            assertThat(reply).as("reply").startsWith(expectedPrefix);
            refusedWith(reply);
        }

        void refusedWith(String message) {
            refused++;
            if (observed == null) {
                observed = message;
            }
        }

        void answered(String reply, String expectedPrefix) {
            attempts++;
            assertThat(reply).as("reply").startsWith(expectedPrefix);
            answered++;
            if (observed == null) {
                observed = reply;
            }
        }
    }

    private void writeTable(int rounds) throws IOException {
        StringBuilder table = new StringBuilder("| who | abuse | attempts | outcome | observed reply / server log |\n"
                + "|---|---|---|---|---|\n");
        tallies.forEach((key, t) -> {
            int space = key.indexOf(' ');
            table.append("| ").append(key, 0, space).append(" | ").append(key.substring(space + 1).replace("|", "\\|"))
                    .append(" | ").append(t.attempts).append(" | ")
                    .append(t.answered > 0 ? "answered (read-only / own connection)" : "refused").append(" | `")
                    .append(t.observed.replace("|", "\\|")).append("` |\n");
        });
        Path file = Path.of("target", "tls-acl-abuse.md");
        Files.createDirectories(file.getParent());
        Files.writeString(file, "rounds=" + rounds + "\n\n" + table, StandardCharsets.UTF_8);
    }

    private RawConnection tls(String cn) {
        try {
            SSLSocket socket = (SSLSocket) CERTS.clientContext(cn).getSocketFactory().createSocket(HOST, server.port());
            socket.setTcpNoDelay(true);
            socket.setSoTimeout((int) WAIT.toMillis());
            socket.startHandshake(); // now, not on first use: the server's handshake timeout is short
            return RawConnection.over(socket, "server as CN=" + cn);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private <T extends AutoCloseable> T add(T resource) {
        resources.add(resource);
        return resource;
    }

    // ---------------------------------------------------------------- watchdog

    /** Our Client and Worker over TLS, completing one job after another; latency of each round trip. */
    private final class Watchdog implements AutoCloseable {
        private final Client client = Client.builder().clientId("watch-client").build();
        private final Worker worker = Worker.builder().clientId("watch-worker").build();
        private final AtomicLong roundTrips = new AtomicLong();
        private final AtomicLong worst = new AtomicLong();
        private volatile String worstDuring = "";
        /** Round trips over 100 ms. */
        private final AtomicLong slow = new AtomicLong();
        private final AtomicReference<Throwable> failure = new AtomicReference<>();
        private final Object progress = new Object();
        private volatile boolean running = true;
        private final Thread clientThread;
        private final Thread workerThread;

        Watchdog() {
            client.addServer(HOST, server.port(), CERTS.clientContext("watch-client"));
            worker.addServer(HOST, server.port(), CERTS.clientContext("watch-worker"));
            worker.registerFunction("watch.echo");
            client.waitForServer(WAIT);
            worker.waitForServer(WAIT);
            workerThread = new Thread(this::work, "watchdog-worker");
            clientThread = new Thread(this::submit, "watchdog-client");
            workerThread.start();
            clientThread.start();
        }

        private void work() {
            while (running) {
                try {
                    WorkerJob job = worker.getJob(WAIT);
                    job.sendWorkComplete(job.arguments());
                } catch (RuntimeException e) {
                    if (running) {
                        failure.compareAndSet(null, e);
                    }
                    return;
                }
            }
        }

        private void submit() {
            long n = 0;
            while (running) {
                try {
                    String payload = "w" + n++;
                    long start = System.nanoTime();
                    String result = client.submitJob(new Job("watch.echo", payload)).waitForCompletion(WAIT)
                            .dataAsString();
                    long nanos = System.nanoTime() - start;
                    if (!payload.equals(result)) {
                        throw new AssertionError("watchdog sent " + payload + ", got " + result);
                    }
                    if (nanos > 100_000_000L) {
                        slow.incrementAndGet();
                    }
                    if (nanos > worst.get()) {
                        worst.set(nanos); // one writer: this thread
                        worstDuring = current;
                    }
                    synchronized (progress) {
                        roundTrips.incrementAndGet();
                        progress.notifyAll();
                    }
                } catch (RuntimeException | AssertionError e) {
                    if (running) {
                        failure.compareAndSet(null, e);
                    }
                    synchronized (progress) {
                        progress.notifyAll();
                    }
                    return;
                }
            }
        }

        void awaitRoundTrips(long count) throws InterruptedException {
            long deadline = System.nanoTime() + WAIT.toNanos();
            synchronized (progress) {
                while (roundTrips.get() < count && failure.get() == null) {
                    long left = deadline - System.nanoTime();
                    assertThat(left).as("the watchdog completed " + roundTrips.get() + " of " + count
                            + " round trips within " + WAIT).isPositive();
                    TimeUnit.NANOSECONDS.timedWait(progress, left);
                }
            }
            assertThat(failure.get()).as("watchdog failure").isNull();
        }

        long roundTrips() {
            return roundTrips.get();
        }

        void resetWorst() {
            worst.set(0);
            slow.set(0);
        }

        long slow() {
            return slow.get();
        }

        String worstDuring() {
            return worstDuring;
        }

        long worstNanos() {
            return worst.get();
        }

        Throwable failure() {
            return failure.get();
        }

        @Override
        public void close() throws InterruptedException {
            if (!running) {
                return;
            }
            running = false;
            clientThread.join(WAIT.toMillis()); // its last job still finds the worker
            worker.stopWaitingForJobs();
            workerThread.join(WAIT.toMillis());
            client.close();
            worker.close();
        }
    }

    // ---------------------------------------------------------------- log

    /**
     * Reads the server's log: slf4j-simple writes to whatever {@code System.err} is at the time, so a
     * tee installed here sees every line (src-it logs WARN and above). TLS refusals are logged with
     * the peer's address, so each attempt finds its own line by its local port.
     */
    private static final class LogTap extends OutputStream {
        private final PrintStream original;
        private final StringBuilder partial = new StringBuilder();
        private final List<String> lines = new ArrayList<>();

        private LogTap(PrintStream original) {
            this.original = original;
        }

        static LogTap install() {
            LogTap tap = new LogTap(System.err);
            System.setErr(new PrintStream(tap, true, StandardCharsets.UTF_8));
            return tap;
        }

        void uninstall() {
            System.setErr(original);
        }

        @Override
        public synchronized void write(int b) {
            original.write(b);
            if (b == '\n') {
                lines.add(partial.toString());
                partial.setLength(0);
                notifyAll();
            } else {
                partial.append((char) b);
            }
        }

        @Override
        public synchronized void write(byte[] b, int off, int len) {
            for (int i = off; i < off + len; i++) {
                write(b[i]);
            }
        }

        synchronized int mark() {
            return lines.size();
        }

        /**
         * The server's line {@code "<kind> with /127.0.0.1:<port> (server side): <reason...>"} logged
         * after {@code mark}; waits up to WAIT. Returns {@code "<kind>: <reason...>"}.
         */
        synchronized String await(int mark, int port, String reason, String kind) {
            String prefix = kind + " with /" + HOST + ":" + port + " (server side): ";
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (true) {
                for (String line : lines.subList(mark, lines.size())) {
                    int at = line.indexOf(prefix);
                    if (at >= 0) {
                        String said = line.substring(at + prefix.length());
                        assertThat(said).as("the server's log line for port " + port).contains(reason);
                        return kind + ": " + said;
                    }
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new AssertionError("no server log line '" + prefix + "...' within " + WAIT
                            + "; lines: " + lines.subList(Math.max(0, lines.size() - 5), lines.size()));
                }
                try {
                    TimeUnit.NANOSECONDS.timedWait(this, left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new AssertionError("interrupted while waiting for the server's log", e);
                }
            }
        }
    }
}
