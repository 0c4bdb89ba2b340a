package dev.gear.it.conformance;

import static dev.gear.it.support.Peers.expectNoJob;
import static dev.gear.it.support.Peers.grabUniq;
import static dev.gear.it.support.Peers.submit;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gear.Magic;
import dev.gear.Packet;
import dev.gear.PacketType;
import dev.gear.it.support.Peers;
import dev.gear.it.support.RawConnection;
import dev.gear.it.support.ServerFailureContext;
import dev.gear.it.support.ServerLauncher;
import dev.gear.it.support.ServerUnderTest;
import dev.gear.it.support.ServerUnderTest.Kind;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Raw-packet scenarios run against one server of each implementation ({@code
 * ServersUnderTest#perImplementation}: gearmand and our embedded {@code Server}), each scenario on a
 * fresh server, in the same test run.
 *
 * <p>What is asserted: gearmand 1.1.20's observed behaviour ({@code reference/protocol.md}) for
 * {@link Kind#GEARMAND}, and DESIGN.md's "Server semantics" table for {@link Kind#GEAR_JAVA}. Where
 * the two deliberately differ, a scenario switches on {@link #kind()}; each such place is listed in
 * {@code docs/differences.md}. Admin replies are compared without their line ends (gearmand mixes
 * {@code \r\n} and {@code \n}). Handle formats are never asserted, except that they are non-empty
 * and distinct. ERROR codes are asserted for every server; ERROR texts only for gearmand.
 */
@ParameterizedClass(name = "{0}")
@MethodSource("dev.gear.it.support.ServersUnderTest#perImplementation")
class ConformanceIT {
    private static final Duration SERVER_CATCH_UP = Duration.ofSeconds(5);

    @Parameter
    ServerLauncher launcher;

    ServerUnderTest server;
    Peers peers;

    @RegisterExtension
    final ServerFailureContext failureContext = new ServerFailureContext(() -> server);

    @BeforeEach
    void startServer() throws Exception {
        server = launcher.start();
        peers = new Peers(server);
    }

    @AfterEach
    void stopServer() {
        if (peers != null) {
            peers.close();
        }
        if (server != null) {
            server.close();
        }
    }

    Kind kind() {
        return server.kind();
    }

    /** The next packet must be ERROR with {@code code}; for gearmand also with its exact text. */
    void expectError(RawConnection connection, String code, String gearmandText) {
        Packet error = connection.expectPacket(PacketType.ERROR);
        assertThat(error.fieldString(0)).as("ERROR code in %s", error).isEqualTo(code);
        if (kind() == Kind.GEARMAND) {
            assertThat(error.fieldString(1)).as("ERROR text in %s", error).isEqualTo(gearmandText);
        }
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** A worker for {@code function} that has been told there is no work and sent PRE_SLEEP. */
    RawConnection sleepingWorker(String function) {
        RawConnection worker = peers.worker(function);
        expectNoJob(worker);
        worker.send(Packet.request(PacketType.PRE_SLEEP));
        worker.assertNoReplyPending();
        return worker;
    }

    @Nested
    @DisplayName("framing, echo and options")
    class Framing {
        @Test
        void echoReturnsThePayloadIncludingNuls() {
            RawConnection c = peers.connect();
            byte[] payload = utf8("a\0b\0\0c");
            c.send(Packet.request(PacketType.ECHO_REQ, payload));
            assertThat(c.expectPacket(PacketType.ECHO_RES).data()).isEqualTo(payload);
        }

        @Test
        void echoOfOneMebibyte() {
            RawConnection c = peers.connect();
            byte[] payload = new byte[1 << 20];
            for (int i = 0; i < payload.length; i++) {
                payload[i] = (byte) (i * 31 + 7);
            }
            c.send(Packet.request(PacketType.ECHO_REQ, payload));
            Packet reply = c.expectPacket(PacketType.ECHO_RES);
            assertThat(reply.bodyLength()).isEqualTo(payload.length);
            assertThat(Arrays.equals(reply.data(), payload)).as("1 MiB echo payload comes back unchanged").isTrue();
        }

        @Test
        void adminLinesInterleaveWithBinaryPacketsOnOneConnection() {
            RawConnection c = peers.connect();
            byte[] first = Packet.request(PacketType.ECHO_REQ, utf8("one")).toBinary();
            byte[] line = utf8("version\n");
            byte[] second = Packet.request(PacketType.ECHO_REQ, utf8("two")).toBinary();
            byte[] all = new byte[first.length + line.length + second.length];
            System.arraycopy(first, 0, all, 0, first.length);
            System.arraycopy(line, 0, all, first.length, line.length);
            System.arraycopy(second, 0, all, first.length + line.length, second.length);
            c.sendRaw(all);

            c.expectPacket(PacketType.ECHO_RES, "one");
            assertThat(c.readLine()).startsWith("OK ");
            c.expectPacket(PacketType.ECHO_RES, "two");
            assertThat(c.admin("status")).as("status after mixed traffic").isEmpty();
        }

        @Test
        void optionReqExceptionsIsAcknowledged() {
            RawConnection c = peers.connect();
            c.send(PacketType.OPTION_REQ, "exceptions");
            c.expectPacket(PacketType.OPTION_RES, "exceptions");
        }

        @Test
        void resMagicOnARequestIsInvalidMagicAndTheConnectionGoesOn() {
            RawConnection c = peers.connect();
            c.send(Packet.response(PacketType.ECHO_REQ, utf8("wrong way")));
            expectError(c, "INVALID_MAGIC", "Request magic expected");
            c.assertNoReplyPending();
        }

        @Test
        void packetTypesOnlyAServerSendsAreInvalidCommandsAndTheConnectionGoesOn() {
            // Well-formed bodies only: gearmand crashes on some malformed packets (hostile input is
            // tested against our server alone, in gear-protocol's HostileInputTest).
            Map<PacketType, String[]> wellFormed = new LinkedHashMap<>();
            wellFormed.put(PacketType.NOOP, new String[0]);
            wellFormed.put(PacketType.JOB_CREATED, new String[] {"H:x:1"});
            wellFormed.put(PacketType.NO_JOB, new String[0]);
            wellFormed.put(PacketType.JOB_ASSIGN, new String[] {"H:x:1", "f", "data"});
            wellFormed.put(PacketType.ECHO_RES, new String[] {"data"});
            wellFormed.put(PacketType.ERROR, new String[] {"CODE", "text"});
            wellFormed.put(PacketType.STATUS_RES, new String[] {"H:x:1", "1", "0", "0", "0"});
            wellFormed.put(PacketType.ALL_YOURS, new String[0]);
            wellFormed.put(PacketType.OPTION_RES, new String[] {"exceptions"});
            wellFormed.put(PacketType.JOB_ASSIGN_UNIQ, new String[] {"H:x:1", "f", "u", "data"});
            wellFormed.put(PacketType.JOB_ASSIGN_ALL, new String[] {"H:x:1", "f", "u", "r", "data"});
            wellFormed.put(PacketType.STATUS_RES_UNIQUE, new String[] {"u", "0", "0", "0", "0", "0"});
            RawConnection c = peers.connect();
            for (Map.Entry<PacketType, String[]> e : wellFormed.entrySet()) {
                c.send(e.getKey(), e.getValue());
                Packet error = c.expectPacket(PacketType.ERROR);
                assertThat(error.fieldString(0)).as("ERROR code for %s", e.getKey()).isEqualTo("INVALID_COMMAND");
            }
            c.assertNoReplyPending();
        }

        @Test
        void optionReqUnknownIsAnErrorAndTheConnectionGoesOn() {
            RawConnection c = peers.connect();
            c.send(PacketType.OPTION_REQ, "bogus");
            expectError(c, "UNKNOWN_OPTION", "Server does not recognize given option");
            c.assertNoReplyPending();
        }
    }

    @Nested
    @DisplayName("submitting jobs")
    class Submitting {
        @Test
        void everySubmitVariantIsAnsweredWithJobCreatedAndItsOwnHandle() {
            RawConnection client = peers.connect();
            List<String> handles = new ArrayList<>();
            for (PacketType type : List.of(PacketType.SUBMIT_JOB, PacketType.SUBMIT_JOB_BG,
                    PacketType.SUBMIT_JOB_HIGH, PacketType.SUBMIT_JOB_HIGH_BG,
                    PacketType.SUBMIT_JOB_LOW, PacketType.SUBMIT_JOB_LOW_BG)) {
                handles.add(submit(client, type, "f", "", type.name()));
            }
            assertThat(handles).as("handles").doesNotContain("").doesNotHaveDuplicates();
            if (kind() == Kind.GEAR_JAVA) {
                assertThat(handles).as("handles are H:<peer ip>:<n>").allMatch(h -> h.matches("H:127\\.0\\.0\\.1:\\d+"));
            }
        }

        @Test
        void submitJobSchedIsAnInvalidCommand() {
            RawConnection client = peers.connect();
            client.send(PacketType.SUBMIT_JOB_SCHED, "f", "", "0", "0", "1", "1", "0", "data");
            expectError(client, "INVALID_COMMAND", "Command not expected");
            client.assertNoReplyPending();
        }

        @Test
        void submitJobEpochInThePastRunsAtOnce() {
            RawConnection client = peers.connect();
            String past = String.valueOf(Instant.now().getEpochSecond() - 60);
            client.send(PacketType.SUBMIT_JOB_EPOCH, "f", "", past, "later");
            String handle = client.expectPacket(PacketType.JOB_CREATED).fieldString(0);

            RawConnection worker = peers.worker("f");
            Packet assigned = grabUniq(worker);
            assertThat(assigned.fieldString(0)).isEqualTo(handle);
            assertThat(assigned.fieldString(3)).isEqualTo("later");
        }

        @Test
        void submitJobEpochInTheFutureIsHeldUntilItsTime() {
            RawConnection client = peers.connect();
            String inAnHour = String.valueOf(Instant.now().getEpochSecond() + 3600);
            client.send(PacketType.SUBMIT_JOB_EPOCH, "f", "", inAnHour, "later");
            String handle = client.expectPacket(PacketType.JOB_CREATED).fieldString(0);

            expectNoJob(peers.worker("f"));
            assertThat(peers.connect().adminList("show jobs")).as("the held job is listed as a background job")
                    .containsExactly(handle + "\t0\t0\t1");
        }

        @Test
        void aUniqueOfMoreThan64BytesIsArgumentTooLarge() {
            RawConnection client = peers.connect();
            client.send(PacketType.SUBMIT_JOB_BG, "f", "u".repeat(65), "x");
            expectError(client, "ARGUMENT_TOO_LARGE", "Unique value too large");

            String sixtyFour = "v".repeat(64);
            submit(client, PacketType.SUBMIT_JOB_BG, "f", sixtyFour, "x");
            List<String> uniques = peers.connect().adminList("show unique jobs");
            switch (kind()) {
                case GEARMAND:
                    // gearmand accepts 64 bytes but stores them cut to 63.
                    assertThat(uniques).containsExactly(sixtyFour.substring(0, 63));
                    break;
                case GEAR_JAVA:
                    assertThat(uniques).containsExactly(sixtyFour);
                    break;
                default:
                    throw new AssertionError(kind());
            }
        }

        @Test
        void sameFunctionAndUniqueCoalescesAndEveryForegroundSubmitterGetsTheResults() {
            RawConnection first = peers.connect();
            RawConnection second = peers.connect();
            String handle = submit(first, PacketType.SUBMIT_JOB, "f", "same", "data-1");
            assertThat(submit(second, PacketType.SUBMIT_JOB, "f", "same", "data-2"))
                    .as("handle of the coalesced submission").isEqualTo(handle);

            RawConnection worker = peers.worker("f");
            Packet assigned = grabUniq(worker);
            assertThat(assigned.fieldString(0)).isEqualTo(handle);
            assertThat(assigned.fieldString(3)).as("data of the first submission wins").isEqualTo("data-1");
            expectNoJob(worker);

            worker.send(PacketType.WORK_DATA, handle, "partial");
            worker.send(PacketType.WORK_COMPLETE, handle, "done");
            for (RawConnection client : List.of(first, second)) {
                client.expectPacket(PacketType.WORK_DATA, handle, "partial");
                client.expectPacket(PacketType.WORK_COMPLETE, handle, "done");
            }
        }

        @Test
        void differentFunctionsDoNotCoalesceTheSameUnique() {
            RawConnection client = peers.connect();
            String a = submit(client, PacketType.SUBMIT_JOB_BG, "a", "same", "x");
            String b = submit(client, PacketType.SUBMIT_JOB_BG, "b", "same", "x");
            assertThat(a).isNotEqualTo(b);
        }

        @Test
        void maxqueueLimitsTheQueueOfAFunction() {
            RawConnection client = peers.connect();
            submit(client, PacketType.SUBMIT_JOB_BG, "limited", "", "1");
            RawConnection admin = peers.connect();
            assertThat(admin.adminLine("maxqueue limited 1")).isEqualTo("OK");

            client.send(PacketType.SUBMIT_JOB_BG, "limited", "", "2");
            expectError(client, "QUEUE_ERROR", "Job queue is full");
            assertThat(submit(client, PacketType.SUBMIT_JOB_BG, "unlimited", "", "3")).isNotEmpty();
        }
    }

    @Nested
    @DisplayName("dispatch to workers")
    class Dispatch {
        @Test
        void grabJobUniqAssignsHandleFunctionUniqueAndData() {
            RawConnection client = peers.connect();
            String handle = submit(client, PacketType.SUBMIT_JOB, "f", "u-1", "pay\0load");
            RawConnection worker = peers.worker("f");
            worker.send(Packet.request(PacketType.GRAB_JOB_UNIQ));
            Packet assigned = worker.expectPacket(PacketType.JOB_ASSIGN_UNIQ);
            assertThat(assigned.fieldString(0)).isEqualTo(handle);
            assertThat(assigned.fieldString(1)).isEqualTo("f");
            assertThat(assigned.fieldString(2)).isEqualTo("u-1");
            assertThat(assigned.data()).isEqualTo(utf8("pay\0load"));
        }

        @Test
        void grabJobUniqGivesAnEmptyUniqueWhenNoneWasSubmitted() {
            String handle = submit(peers.connect(), PacketType.SUBMIT_JOB_BG, "f", "", "data");
            RawConnection worker = peers.worker("f");
            worker.send(Packet.request(PacketType.GRAB_JOB_UNIQ));
            worker.expectPacket(PacketType.JOB_ASSIGN_UNIQ, handle, "f", "", "data");
        }

        @Test
        void grabJobAssignsHandleFunctionAndData() {
            String handle = submit(peers.connect(), PacketType.SUBMIT_JOB, "f", "u", "data");
            RawConnection worker = peers.worker("f");
            worker.send(Packet.request(PacketType.GRAB_JOB));
            worker.expectPacket(PacketType.JOB_ASSIGN, handle, "f", "data");
        }

        @Test
        void grabJobAllAssignsAnOrdinaryJobAsJobAssignUniq() {
            String handle = submit(peers.connect(), PacketType.SUBMIT_JOB, "f", "u", "data");
            RawConnection worker = peers.worker("f");
            worker.send(Packet.request(PacketType.GRAB_JOB_ALL));
            worker.expectPacket(PacketType.JOB_ASSIGN_UNIQ, handle, "f", "u", "data");
        }

        @Test
        void noJobWhenNothingIsQueuedForTheWorkersFunctions() {
            submit(peers.connect(), PacketType.SUBMIT_JOB_BG, "other", "", "x");
            expectNoJob(peers.worker("f"));
            expectNoJob(peers.connect());
        }

        @Test
        void everyOutstandingGrabGetsItsOwnAnswerInOrder() {
            String handle = submit(peers.connect(), PacketType.SUBMIT_JOB_BG, "f", "", "only");
            RawConnection worker = peers.worker("f");
            worker.send(Packet.request(PacketType.GRAB_JOB_UNIQ), Packet.request(PacketType.GRAB_JOB_UNIQ));
            assertThat(worker.expectPacket(PacketType.JOB_ASSIGN_UNIQ).fieldString(0)).isEqualTo(handle);
            worker.expectPacket(PacketType.NO_JOB);
        }

        @Test
        void highBeforeNormalBeforeLowAndFifoWithinEach() {
            RawConnection client = peers.connect();
            submit(client, PacketType.SUBMIT_JOB_LOW_BG, "f", "", "low1");
            submit(client, PacketType.SUBMIT_JOB_BG, "f", "", "n1");
            submit(client, PacketType.SUBMIT_JOB_HIGH_BG, "f", "", "high1");
            submit(client, PacketType.SUBMIT_JOB_LOW_BG, "f", "", "low2");
            submit(client, PacketType.SUBMIT_JOB_BG, "f", "", "n2");
            submit(client, PacketType.SUBMIT_JOB_HIGH_BG, "f", "", "high2");

            assertThat(grabAll(peers.worker("f"), 6))
                    .containsExactly("high1", "high2", "n1", "n2", "low1", "low2");
        }

        @Test
        void orderAcrossTheFunctionsOfOneWorker() {
            RawConnection client = peers.connect();
            submit(client, PacketType.SUBMIT_JOB_BG, "a", "", "a1");
            submit(client, PacketType.SUBMIT_JOB_BG, "b", "", "b1");
            submit(client, PacketType.SUBMIT_JOB_BG, "a", "", "a2");
            submit(client, PacketType.SUBMIT_JOB_BG, "b", "", "b2");

            List<String> order = grabAll(peers.worker("a", "b"), 4);
            switch (kind()) {
                case GEARMAND:
                    // gearmand drains the most recently registered function first.
                    assertThat(order).containsExactly("b1", "b2", "a1", "a2");
                    break;
                case GEAR_JAVA:
                    // ours: FIFO across all of a worker's functions.
                    assertThat(order).containsExactly("a1", "b1", "a2", "b2");
                    break;
                default:
                    throw new AssertionError(kind());
            }
        }

        @Test
        void canDoTimeoutRegistersTheFunction() {
            String handle = submit(peers.connect(), PacketType.SUBMIT_JOB_BG, "f", "", "x");
            RawConnection worker = peers.connect();
            worker.send(PacketType.CAN_DO_TIMEOUT, "f", "30000");
            assertThat(grabUniq(worker).fieldString(0)).isEqualTo(handle);
        }

        @Test
        void canDoTimeoutExpiryRequeuesTheJobAndRejectsTheLateResult() {
            RawConnection client = peers.connect();
            String handle = submit(client, PacketType.SUBMIT_JOB, "f", "", "x");
            RawConnection slow = peers.connect();
            slow.send(PacketType.CAN_DO_TIMEOUT, "f", "1000"); // ms; 1000 is the smallest gearmand honours
            assertThat(grabUniq(slow).fieldString(0)).isEqualTo(handle);

            RawConnection admin = peers.connect();
            admin.awaitAdminList("show jobs", jobs -> jobs.contains(handle + "\t1\t0\t0"),
                    "the timed-out job to be requeued with RETRIES 1", SERVER_CATCH_UP);
            RawConnection next = peers.worker("f");
            assertThat(grabUniq(next).fieldString(0)).as("the requeued job, same handle").isEqualTo(handle);

            slow.send(PacketType.WORK_COMPLETE, handle, "late");
            expectError(slow, "JOB_NOT_FOUND", "Job given in work result not found");
            client.assertNoReplyPending();
            next.send(PacketType.WORK_COMPLETE, handle, "in time");
            client.expectPacket(PacketType.WORK_COMPLETE, handle, "in time");
        }

        @Test
        void aFunctionRegisteredTwiceCountsTwiceInStatus() {
            peers.worker("f", "f").assertNoReplyPending();
            assertThat(peers.connect().adminList("status")).containsExactly("f\t0\t0\t2");
        }

        @Test
        void cantDoOfAnUnknownFunctionIsIgnored() {
            RawConnection worker = peers.connect();
            worker.send(PacketType.CANT_DO, "never-registered");
            worker.assertNoReplyPending();
        }

        @Test
        void cantDoStopsAssignmentsOfThatFunction() {
            submit(peers.connect(), PacketType.SUBMIT_JOB_BG, "f", "", "x");
            RawConnection worker = peers.worker("f");
            worker.send(PacketType.CANT_DO, "f");
            expectNoJob(worker);
        }

        @Test
        void resetAbilitiesStopsAllAssignments() {
            submit(peers.connect(), PacketType.SUBMIT_JOB_BG, "f", "", "x");
            RawConnection worker = peers.worker("f", "g");
            worker.send(Packet.request(PacketType.RESET_ABILITIES));
            expectNoJob(worker);
        }

        private List<String> grabAll(RawConnection worker, int count) {
            List<String> data = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                data.add(grabUniq(worker).fieldString(3));
            }
            expectNoJob(worker);
            return data;
        }
    }

    @Nested
    @DisplayName("sleeping workers and NOOP")
    class WakeUp {
        @Test
        void preSleepWithWorkAlreadyQueuedIsAnsweredWithNoopAtOnce() {
            submit(peers.connect(), PacketType.SUBMIT_JOB_BG, "f", "", "x");
            RawConnection worker = peers.worker("f");
            worker.send(Packet.request(PacketType.PRE_SLEEP));
            worker.expectPacket(PacketType.NOOP);
        }

        @Test
        void aSubmitWakesASleepingWorkerOncePerSleep() {
            RawConnection worker = peers.worker("f");
            worker.send(Packet.request(PacketType.PRE_SLEEP));
            worker.assertNoReplyPending();

            RawConnection client = peers.connect();
            submit(client, PacketType.SUBMIT_JOB_BG, "f", "", "first");
            worker.expectPacket(PacketType.NOOP);

            submit(client, PacketType.SUBMIT_JOB_BG, "f", "", "second");
            worker.assertNoReplyPending(); // still awake: no second NOOP until the next PRE_SLEEP

            worker.send(Packet.request(PacketType.PRE_SLEEP));
            worker.expectPacket(PacketType.NOOP); // work is pending, so the new sleep ends at once
        }

        @Test
        void aSubmitWakesEverySleepingWorkerOfTheFunction() {
            RawConnection one = sleepingWorker("f");
            RawConnection two = sleepingWorker("f");
            submit(peers.connect(), PacketType.SUBMIT_JOB_BG, "f", "", "only one job");
            one.expectPacket(PacketType.NOOP);
            two.expectPacket(PacketType.NOOP);
        }

        @Test
        void aSubmitForAnotherFunctionDoesNotWakeTheWorker() {
            RawConnection worker = peers.worker("f");
            worker.send(Packet.request(PacketType.PRE_SLEEP));
            submit(peers.connect(), PacketType.SUBMIT_JOB_BG, "other", "", "x");
            worker.assertNoReplyPending();
        }
    }

    @Nested
    @DisplayName("work results")
    class WorkResults {
        RawConnection client;
        RawConnection worker;
        String handle;

        @BeforeEach
        void runningForegroundJob() {
            client = peers.connect();
            handle = submit(client, PacketType.SUBMIT_JOB, "f", "", "input");
            worker = peers.worker("f");
            assertThat(grabUniq(worker).fieldString(0)).isEqualTo(handle);
        }

        @Test
        void dataWarningStatusAndCompleteReachTheClientWithResMagicAndIdenticalBodies() {
            List<Packet> sent = List.of(
                    Packet.request(PacketType.WORK_DATA, utf8(handle), utf8("da\0ta")),
                    Packet.request(PacketType.WORK_WARNING, utf8(handle), utf8("careful")),
                    Packet.request(PacketType.WORK_STATUS, handle, "1", "3"),
                    Packet.request(PacketType.WORK_COMPLETE, utf8(handle), utf8("res\0ult")));
            worker.send(sent.toArray(Packet[]::new));
            for (Packet p : sent) {
                Packet received = client.expectPacket(p.type());
                assertThat(received).as("forwarded %s", p.type()).isEqualTo(p.withMagic(Magic.RES));
            }
            worker.assertNoReplyPending();
        }

        @Test
        void workFailReachesTheClient() {
            worker.send(PacketType.WORK_FAIL, handle);
            client.expectPacket(PacketType.WORK_FAIL, handle);
            worker.send(PacketType.WORK_COMPLETE, handle, "late");
            expectError(worker, "JOB_NOT_FOUND", "Job given in work result not found");
        }

        @Test
        void workExceptionToAClientThatDidNotAskForExceptions() {
            worker.send(PacketType.WORK_EXCEPTION, handle, "boom");
            switch (kind()) {
                case GEARMAND:
                    // gearmand turns it into WORK_FAIL, whose body carries a stray trailing NUL.
                    Packet fail = client.expectPacket(PacketType.WORK_FAIL);
                    assertThat(fail.body()).as("WORK_FAIL body").isEqualTo(utf8(handle + "\0"));
                    break;
                case GEAR_JAVA:
                    // ours, like gear: forwarded as is.
                    client.expectPacket(PacketType.WORK_EXCEPTION, handle, "boom");
                    break;
                default:
                    throw new AssertionError(kind());
            }
        }

        @Test
        void workExceptionIsForwardedToAClientThatAskedForExceptions() {
            RawConnection optedIn = peers.connect();
            optedIn.send(PacketType.OPTION_REQ, "exceptions");
            optedIn.expectPacket(PacketType.OPTION_RES, "exceptions");
            String second = submit(optedIn, PacketType.SUBMIT_JOB, "g", "", "x");
            RawConnection gWorker = peers.worker("g");
            assertThat(grabUniq(gWorker).fieldString(0)).isEqualTo(second);

            gWorker.send(PacketType.WORK_EXCEPTION, second, "bo\0om");
            Packet exception = optedIn.expectPacket(PacketType.WORK_EXCEPTION);
            assertThat(exception.fieldString(0)).isEqualTo(second);
            assertThat(exception.data()).isEqualTo(utf8("bo\0om"));
        }

        @Test
        void workPacketsFromAConnectionThatDoesNotHoldTheJobAreRejected() {
            RawConnection stranger = peers.worker("f");
            stranger.send(PacketType.WORK_COMPLETE, handle, "stolen");
            expectError(stranger, "JOB_NOT_FOUND", "Job given in work result not found");
            client.assertNoReplyPending();
        }

        @Test
        void workCompleteForAnUnknownHandleIsJobNotFoundAndTheConnectionGoesOn() {
            worker.send(PacketType.WORK_COMPLETE, "H:nowhere:999", "x");
            expectError(worker, "JOB_NOT_FOUND", "Job given in work result not found");
            worker.send(PacketType.WORK_DATA, "H:nowhere:999", "x");
            expectError(worker, "JOB_NOT_FOUND", "Job does not exist on server");
            worker.assertNoReplyPending();
        }

        @Test
        void aBackgroundSubmitterHearsNothingAfterJobCreated() {
            RawConnection bgClient = peers.connect();
            String bg = submit(bgClient, PacketType.SUBMIT_JOB_BG, "g", "", "x");
            RawConnection gWorker = peers.worker("g");
            assertThat(grabUniq(gWorker).fieldString(0)).isEqualTo(bg);
            gWorker.send(PacketType.WORK_DATA, bg, "d");
            gWorker.send(PacketType.WORK_COMPLETE, bg, "done");
            gWorker.assertNoReplyPending(); // the server has handled both
            bgClient.assertNoReplyPending();
        }
    }

    @Nested
    @DisplayName("GET_STATUS and GET_STATUS_UNIQUE")
    class Status {
        @Test
        void getStatusFollowsAJobFromQueuedToRunningToDone() {
            RawConnection client = peers.connect();
            String handle = submit(client, PacketType.SUBMIT_JOB, "f", "", "x");
            client.send(PacketType.GET_STATUS, handle);
            client.expectPacket(PacketType.STATUS_RES, handle, "1", "0", "0", "0");

            RawConnection worker = peers.worker("f");
            grabUniq(worker);
            client.send(PacketType.GET_STATUS, handle);
            client.expectPacket(PacketType.STATUS_RES, handle, "1", "1", "0", "0");

            worker.send(PacketType.WORK_STATUS, handle, "3", "7");
            client.expectPacket(PacketType.WORK_STATUS, handle, "3", "7");
            client.send(PacketType.GET_STATUS, handle);
            client.expectPacket(PacketType.STATUS_RES, handle, "1", "1", "3", "7");

            worker.send(PacketType.WORK_COMPLETE, handle, "");
            client.expectPacket(PacketType.WORK_COMPLETE, handle, "");
            client.send(PacketType.GET_STATUS, handle);
            client.expectPacket(PacketType.STATUS_RES, handle, "0", "0", "0", "0");
        }

        @Test
        void getStatusOfAnUnknownHandleIsAllZeros() {
            RawConnection client = peers.connect();
            client.send(PacketType.GET_STATUS, "H:nowhere:1");
            client.expectPacket(PacketType.STATUS_RES, "H:nowhere:1", "0", "0", "0", "0");
        }

        @Test
        void getStatusUniqueReportsStateProgressAndClientCount() {
            RawConnection client = peers.connect();
            String handle = submit(client, PacketType.SUBMIT_JOB, "f", "fg-u", "x");
            submit(client, PacketType.SUBMIT_JOB_BG, "g", "bg-u", "x");

            client.send(PacketType.GET_STATUS_UNIQUE, "fg-u");
            client.expectPacket(PacketType.STATUS_RES_UNIQUE, "fg-u", "1", "0", "0", "0", "1");
            client.send(PacketType.GET_STATUS_UNIQUE, "bg-u");
            client.expectPacket(PacketType.STATUS_RES_UNIQUE, "bg-u", "1", "0", "0", "0", "0");

            RawConnection worker = peers.worker("f");
            grabUniq(worker);
            worker.send(PacketType.WORK_STATUS, handle, "1", "4");
            client.expectPacket(PacketType.WORK_STATUS, handle, "1", "4");
            client.send(PacketType.GET_STATUS_UNIQUE, "fg-u");
            client.expectPacket(PacketType.STATUS_RES_UNIQUE, "fg-u", "1", "1", "1", "4", "1");

            client.send(PacketType.GET_STATUS_UNIQUE, "nope");
            client.expectPacket(PacketType.STATUS_RES_UNIQUE, "nope", "0", "0", "0", "0", "0");
        }
    }

    @Nested
    @DisplayName("admin protocol")
    class Admin {
        /** {@code FD IP CLIENT-ID : F1 F2…}; nothing (or, in gear, one space) after the colon without functions. */
        private final Pattern workersLine = Pattern.compile("(\\S+) (\\S+) (\\S+) :(.*)");

        @Test
        void statusCountsTotalRunningAndWorkersPerFunction() {
            RawConnection client = peers.connect();
            submit(client, PacketType.SUBMIT_JOB_BG, "f", "", "1");
            submit(client, PacketType.SUBMIT_JOB_BG, "f", "", "2");
            grabUniq(peers.worker("f"));
            peers.worker("idle").assertNoReplyPending();

            List<String> status = peers.connect().adminList("status");
            assertThat(status).as("status lines").contains("f\t2\t1\t1", "idle\t0\t0\t1");
        }

        @Test
        void workersListsConnectionsWithClientIdAndFunctions() {
            RawConnection worker = peers.connect();
            worker.send(PacketType.SET_CLIENT_ID, "it-worker");
            worker.send(PacketType.CAN_DO, "a");
            worker.send(PacketType.CAN_DO, "b");
            worker.assertNoReplyPending();

            RawConnection anonymous = peers.connect();
            anonymous.assertNoReplyPending();
            RawConnection admin = peers.connect();
            admin.send(PacketType.SET_CLIENT_ID, "it-admin");

            List<String> lines = admin.adminList("workers");
            List<String> workerLines = new ArrayList<>();
            List<String> adminLines = new ArrayList<>();
            List<String> anonymousLines = new ArrayList<>();
            for (String line : lines) {
                Matcher m = workersLine.matcher(line);
                assertThat(m.matches()).as("workers line \"%s\" in %s", line, lines).isTrue();
                assertThat(m.group(2)).as("peer address in \"%s\"", line).isEqualTo("127.0.0.1");
                switch (m.group(3)) {
                    case "it-worker":
                        workerLines.add(line);
                        assertThat(Set.of(m.group(4).trim().split(" "))).as("functions in \"%s\"", line)
                                .isEqualTo(Set.of("a", "b"));
                        break;
                    case "it-admin":
                        adminLines.add(line);
                        assertThat(m.group(4).trim()).as("functions of the asking connection").isEmpty();
                        break;
                    case "-":
                        anonymousLines.add(line);
                        break;
                    default:
                        throw new AssertionError("Unexpected client id in \"" + line + "\" of " + lines);
                }
            }
            assertThat(workerLines).as("lines for client id it-worker in %s", lines).hasSize(1);
            assertThat(adminLines).as("the asking connection is listed too, in %s", lines).hasSize(1);
            assertThat(anonymousLines).as("connections without client id show '-', in %s", lines).isNotEmpty();
        }

        @Test
        void showJobsListsHandleRetriesIgnoredAndBackground() {
            RawConnection client = peers.connect();
            String bg = submit(client, PacketType.SUBMIT_JOB_BG, "f", "", "x");
            String fg = submit(client, PacketType.SUBMIT_JOB, "f", "", "y");
            assertThat(peers.connect().adminList("show jobs"))
                    .containsExactlyInAnyOrder(bg + "\t0\t0\t1", fg + "\t0\t0\t0");
        }

        @Test
        void showUniqueJobsListsTheUniques() {
            RawConnection client = peers.connect();
            submit(client, PacketType.SUBMIT_JOB_BG, "f", "u-one", "x");
            submit(client, PacketType.SUBMIT_JOB_BG, "g", "u-two", "x");
            assertThat(peers.connect().adminList("show unique jobs")).containsExactlyInAnyOrder("u-one", "u-two");
        }

        @Test
        void cancelJobOfAQueuedJobTellsTheClientWorkFail() {
            RawConnection client = peers.connect();
            String handle = submit(client, PacketType.SUBMIT_JOB, "f", "", "x");
            RawConnection admin = peers.connect();
            assertThat(admin.adminLine("cancel job " + handle)).isEqualTo("OK");
            client.expectPacket(PacketType.WORK_FAIL, handle);
            switch (kind()) {
                case GEARMAND:
                    // gearmand keeps the cancelled job listed, IGNORED=1, until a worker would take it.
                    assertThat(admin.adminList("show jobs")).containsExactly(handle + "\t0\t1\t0");
                    break;
                case GEAR_JAVA:
                    // ours removes it at once.
                    assertThat(admin.adminList("show jobs")).isEmpty();
                    break;
                default:
                    throw new AssertionError(kind());
            }
            expectNoJob(peers.worker("f"));
        }

        @Test
        void cancelJobWithoutAHandleIsAnErrorAndTheConnectionGoesOn() {
            RawConnection admin = peers.connect();
            String reply = admin.adminLine("cancel job");
            switch (kind()) {
                case GEARMAND:
                    assertThat(reply).isEqualTo("ERR UNKNOWN_COMMAND Unknown+server+commandcancel");
                    break;
                case GEAR_JAVA:
                    assertThat(reply).startsWith("ERR INVALID_ARGUMENTS ");
                    break;
                default:
                    throw new AssertionError(kind());
            }
            assertThat(admin.admin("status")).as("the connection goes on").isEmpty();
        }

        @Test
        void cancelJobOfARunningJob() {
            RawConnection client = peers.connect();
            String handle = submit(client, PacketType.SUBMIT_JOB, "f", "", "x");
            grabUniq(peers.worker("f"));
            String reply = peers.connect().adminLine("cancel job " + handle);
            switch (kind()) {
                case GEARMAND:
                    // gearmand "cancels" running jobs too: the client is told, the worker is not.
                    assertThat(reply).isEqualTo("OK");
                    client.expectPacket(PacketType.WORK_FAIL, handle);
                    break;
                case GEAR_JAVA:
                    // ours, like gear: only queued jobs can be cancelled.
                    assertThat(reply).isEqualTo("ERR UNKNOWN_JOB");
                    client.assertNoReplyPending();
                    break;
                default:
                    throw new AssertionError(kind());
            }
        }

        @Test
        void cancelJobOfAnUnknownHandleIsUnknownJob() {
            assertThat(peers.connect().adminLine("cancel job H:nowhere:1")).isEqualTo("ERR UNKNOWN_JOB");
        }

        @Test
        void priorityStatusCountsQueuedJobsPerPriority() {
            RawConnection client = peers.connect();
            submit(client, PacketType.SUBMIT_JOB_HIGH_BG, "f", "", "h");
            submit(client, PacketType.SUBMIT_JOB_LOW_BG, "f", "", "l1");
            submit(client, PacketType.SUBMIT_JOB_LOW_BG, "f", "", "l2");
            peers.worker("g").assertNoReplyPending();
            assertThat(peers.connect().adminList("prioritystatus")).containsExactlyInAnyOrder(
                    "f\t1\t0\t2\t0", "g\t0\t0\t0\t1");
        }

        @Test
        void maxqueueWithASizeThatIsNotANumber() {
            RawConnection client = peers.connect();
            submit(client, PacketType.SUBMIT_JOB_BG, "f", "", "1");
            String reply = peers.connect().adminLine("maxqueue f many");
            switch (kind()) {
                case GEARMAND:
                    // atoi("many") = 0 = unlimited.
                    assertThat(reply).isEqualTo("OK");
                    break;
                case GEAR_JAVA:
                    assertThat(reply).startsWith("ERR INVALID_ARGUMENTS ");
                    break;
                default:
                    throw new AssertionError(kind());
            }
            assertThat(submit(client, PacketType.SUBMIT_JOB_BG, "f", "", "2")).as("still unlimited").isNotEmpty();
        }

        @Test
        void createAndDropFunction() {
            RawConnection admin = peers.connect();
            // \r\n as gearadmin sends it: with a bare \n gearmand loses the name's last character.
            admin.sendRaw(utf8("create function made\r\n"));
            assertThat(admin.readAdminReply()).containsExactly("OK");
            assertThat(admin.adminList("status")).containsExactly("made\t0\t0\t0");
            admin.sendRaw(utf8("drop function made\r\n"));
            assertThat(admin.readAdminReply()).containsExactly("OK");
            assertThat(admin.adminList("status")).isEmpty();
            admin.sendRaw(utf8("drop function nosuch\r\n"));
            assertThat(admin.readAdminReply()).containsExactly("ERR function not found");
        }

        @Test
        void dropFunctionWithWorkersOrQueuedJobs() {
            RawConnection admin = peers.connect();
            peers.worker("busy").assertNoReplyPending();
            admin.sendRaw(utf8("drop function busy\r\n"));
            assertThat(admin.readAdminReply())
                    .containsExactly("ERR there are still connected workers or executing clients");

            String handle = submit(peers.connect(), PacketType.SUBMIT_JOB_BG, "queued", "", "x");
            admin.sendRaw(utf8("drop function queued\r\n"));
            List<String> reply = admin.readAdminReply();
            switch (kind()) {
                case GEARMAND:
                    // gearmand drops it; the job lingers in show jobs.
                    assertThat(reply).containsExactly("OK");
                    assertThat(admin.adminList("show jobs")).containsExactly(handle + "\t0\t0\t1");
                    break;
                case GEAR_JAVA:
                    // ours refuses, so no job is left without its function.
                    assertThat(reply).containsExactly("ERR there are still connected workers or executing clients");
                    assertThat(admin.adminList("status")).contains("queued\t1\t0\t0");
                    break;
                default:
                    throw new AssertionError(kind());
            }
        }

        @Test
        void verboseReportsALevelName() {
            assertThat(peers.connect().adminLine("verbose"))
                    .matches("OK (FATAL|ALERT|CRITICAL|ERROR|WARNING|NOTICE|INFO|DEBUG)");
        }

        @Test
        void shutdown() {
            RawConnection admin = peers.connect();
            String reply = admin.adminLine("shutdown");
            switch (kind()) {
                case GEARMAND:
                    // removed from gearmand in 2016.
                    assertThat(reply).isEqualTo("ERR UNKNOWN_COMMAND Unknown+server+commandshutdown");
                    assertThat(admin.admin("status")).as("the server goes on").isEmpty();
                    break;
                case GEAR_JAVA:
                    // Off by default (no anonymous peer may stop a server); enabled by
                    // Server.builder().adminShutdown(true) or geard --allow-admin-shutdown.
                    assertThat(reply).startsWith("ERR SHUTDOWN_DISABLED ").contains("--allow-admin-shutdown");
                    assertThat(admin.admin("status")).as("the server goes on").isNotNull();
                    break;
                default:
                    throw new AssertionError(kind());
            }
        }

        @Test
        void versionStartsWithOk() {
            assertThat(peers.connect().adminLine("version")).matches("OK \\S.*");
        }

        @Test
        void getpidIsTheServersProcessId() {
            assertThat(peers.connect().adminLine("getpid")).isEqualTo("OK " + server.processId());
        }

        @Test
        void unknownCommandIsUnknownCommand() {
            RawConnection admin = peers.connect();
            assertThat(admin.adminLine("frobnicate")).startsWith("ERR UNKNOWN_COMMAND");
            assertThat(admin.admin("status")).as("the connection goes on").isEmpty();
        }

        @Test
        void anAdminLineOfSixWords() {
            RawConnection admin = peers.connect();
            admin.sendLine("version a b c d e");
            switch (kind()) {
                case GEARMAND:
                    // gearmand hangs up on a sixth word, without a reply.
                    admin.assertClosedByPeer(SERVER_CATCH_UP);
                    break;
                case GEAR_JAVA:
                    // ours: framing is intact, so the line is answered (extra words ignored).
                    assertThat(admin.readLine()).startsWith("OK ");
                    assertThat(admin.admin("status")).as("the connection goes on").isEmpty();
                    break;
                default:
                    throw new AssertionError(kind());
            }
        }

        @Test
        void commandsEndedByCrLfWorkToo() {
            RawConnection admin = peers.connect();
            submit(peers.connect(), PacketType.SUBMIT_JOB_BG, "f", "", "x");
            admin.sendRaw(utf8("status\r\nversion\r\n"));
            assertThat(admin.readAdminReply()).containsExactly("f\t1\t0\t0");
            List<String> version = admin.readAdminReply();
            assertThat(version).as("reply to version").hasSize(1);
            assertThat(version.get(0)).startsWith("OK ");
        }
    }

    @Nested
    @DisplayName("disconnects")
    class Disconnects {
        @Test
        void workerLostWhileRunningAForegroundJob() {
            RawConnection client = peers.connect();
            String handle = submit(client, PacketType.SUBMIT_JOB, "f", "", "input");
            RawConnection first = peers.worker("f");
            grabUniq(first);
            RawConnection second = sleepingWorker("f");

            first.close();
            switch (kind()) {
                case GEARMAND:
                    // gearmand requeues with the same handle and RETRIES+1; the client is not told.
                    second.expectPacket(PacketType.NOOP);
                    second.send(Packet.request(PacketType.GRAB_JOB_UNIQ));
                    second.expectPacket(PacketType.JOB_ASSIGN_UNIQ, handle, "f", "", "input");
                    assertThat(peers.connect().adminList("show jobs")).containsExactly(handle + "\t1\t0\t0");
                    client.assertNoReplyPending();
                    second.send(PacketType.WORK_COMPLETE, handle, "second try");
                    client.expectPacket(PacketType.WORK_COMPLETE, handle, "second try");
                    break;
                case GEAR_JAVA:
                    // ours: the foreground client is told WORK_FAIL and the job is gone.
                    client.expectPacket(PacketType.WORK_FAIL, handle);
                    second.assertNoReplyPending();
                    expectNoJob(second);
                    break;
                default:
                    throw new AssertionError(kind());
            }
        }

        @Test
        void workerLostWhileRunningABackgroundJobRequeuesIt() {
            RawConnection client = peers.connect();
            String handle = submit(client, PacketType.SUBMIT_JOB_BG, "f", "u", "input");
            RawConnection first = peers.worker("f");
            grabUniq(first);
            RawConnection second = sleepingWorker("f");

            first.close();
            second.expectPacket(PacketType.NOOP);
            second.send(Packet.request(PacketType.GRAB_JOB_UNIQ));
            second.expectPacket(PacketType.JOB_ASSIGN_UNIQ, handle, "f", "u", "input");
            client.assertNoReplyPending();
        }

        @Test
        void clientLostWhileItsForegroundJobIsQueued() {
            RawConnection client = peers.connect();
            String handle = submit(client, PacketType.SUBMIT_JOB, "f", "", "x");
            client.close();

            RawConnection admin = peers.connect();
            switch (kind()) {
                case GEARMAND:
                    // gearmand marks it ignored and keeps listing it until a worker would take it.
                    admin.awaitAdminList("show jobs", jobs -> jobs.contains(handle + "\t0\t1\t0"),
                            "the abandoned job to be marked ignored", SERVER_CATCH_UP);
                    break;
                case GEAR_JAVA:
                    // ours drops it at once.
                    admin.awaitAdminList("show jobs", jobs -> jobs.stream().noneMatch(j -> j.startsWith(handle + "\t")),
                            "the abandoned job to be removed", SERVER_CATCH_UP);
                    break;
                default:
                    throw new AssertionError(kind());
            }
            expectNoJob(peers.worker("f"));
        }

        @Test
        void clientLostWhileItsJobRunsLetsTheWorkerFinishWithoutError() {
            RawConnection client = peers.connect();
            client.send(PacketType.SET_CLIENT_ID, "it-client");
            String handle = submit(client, PacketType.SUBMIT_JOB, "f", "", "x");
            RawConnection worker = peers.worker("f");
            grabUniq(worker);
            RawConnection admin = peers.connect();
            assertThat(admin.adminList("workers")).as("workers before the client leaves")
                    .anyMatch(line -> line.contains(" it-client :"));

            client.close();
            admin.awaitAdminList("workers", lines -> lines.stream().noneMatch(line -> line.contains(" it-client :")),
                    "the server to drop the client's connection", SERVER_CATCH_UP);
            worker.send(PacketType.WORK_DATA, handle, "d");
            worker.send(PacketType.WORK_COMPLETE, handle, "done");
            worker.assertNoReplyPending();
            expectNoJob(worker);
        }
    }
}
