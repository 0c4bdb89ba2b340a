package dev.gear.testkit.internal;

import dev.gear.Packet;
import dev.gear.PacketType;
import dev.gear.internal.transport.NioConnection;
import dev.gear.testkit.JournalEvent;
import dev.gear.testkit.Payload;
import dev.gear.testkit.PayloadFormat;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;

/**
 * The jobs the stub worker took for rules that answer {@code hold()} ({@code willHold()}), kept
 * RUNNING on the stub's connection until the test answers each through its {@code HeldJob}. A
 * held job is not simulated: every answer is a real WORK_* packet on the connection that took the
 * job, and returns once the server has processed it (an ECHO round trip behind it).
 *
 * <p>Why here and not in the stub worker: the worker only sees the wire; what the test may do
 * with a held job (once, in order, and what happens to the ones it forgot) is this class's job.
 */
public final class HoldingStub implements StubWorker.HoldSink {
    private final StubWorker worker;
    private final EventJournal journal;
    private final JournalWaits waits;
    private final Duration defaultTimeout;
    /** Taken jobs not finished yet, in the order the stub took them; guarded by itself. */
    private final List<Taken> unfinished = new ArrayList<>();

    public HoldingStub(StubWorker worker, EventJournal journal, JournalWaits waits, Duration defaultTimeout) {
        this.worker = worker;
        this.journal = journal;
        this.waits = waits;
        this.defaultTimeout = defaultTimeout;
    }

    /** One job a holding stub took. Thread-safe. */
    public final class Taken {
        private final NioConnection connection;
        private final String handle;
        private final String function;
        private final Payload payload;
        /** How the test finished the job ({@code complete("ok")}, …), or null while it is not finished. */
        private final AtomicReference<String> finished = new AtomicReference<>();

        private Taken(NioConnection connection, String handle, String function, Payload payload) {
            this.connection = connection;
            this.handle = handle;
            this.function = function;
            this.payload = payload;
        }

        public String handle() {
            return handle;
        }

        public String function() {
            return function;
        }

        public Payload payload() {
            return payload;
        }

        public boolean isFinished() {
            return finished.get() != null;
        }

        /** Sends a WORK_DATA/WARNING/STATUS packet; the job stays held. */
        public void send(PacketType type, byte[]... fields) {
            String how = finished.get();
            if (how != null) {
                throw new IllegalStateException("held job " + handle + " of '" + function + "' was already finished with "
                        + how + ": nothing more can be sent for it");
            }
            sync(Packet.request(type, withHandle(fields)));
        }

        /** Sends the job's ending ({@code how} names it for misuse messages); once only. */
        public void finish(String how, PacketType type, byte[]... fields) {
            if (!finished.compareAndSet(null, how)) {
                throw new IllegalStateException("held job " + handle + " of '" + function + "' was already finished with "
                        + finished.get() + ", so " + how + " cannot finish it again: a job ends once");
            }
            synchronized (unfinished) {
                unfinished.remove(this);
            }
            sync(Packet.request(type, withHandle(fields)));
        }

        private byte[][] withHandle(byte[]... fields) {
            byte[][] all = new byte[fields.length + 1][];
            all[0] = handle.getBytes(StandardCharsets.UTF_8);
            System.arraycopy(fields, 0, all, 1, fields.length);
            return all;
        }

        private void sync(Packet packet) {
            join(worker.sendHeld(connection, packet), "sending " + packet.type() + " for held job " + handle);
        }

        @Override
        public String toString() {
            return handle + " " + function + " payload=" + payload.render(PayloadFormat.AUTO, 64)
                    + (isFinished() ? " finished with " + finished.get() : "");
        }
    }

    @Override
    public void hold(NioConnection connection, String handle, String function, byte[] payload) {
        synchronized (unfinished) {
            unfinished.add(new Taken(connection, handle, function, Payload.of(payload)));
        }
        // Nothing reaches the journal for a job taken (its JobAssigned is there already): wake the
        // waits, which check this class too.
        journal.touch();
    }

    /** The jobs of {@code function} held and not finished, in the order taken. */
    public List<Taken> held(String function) {
        synchronized (unfinished) {
            return unfinished.stream().filter(t -> t.function.equals(function)).toList();
        }
    }

    /** Handles of every job held and not finished (for {@code awaitSettled}). */
    public List<String> heldHandles() {
        synchronized (unfinished) {
            return unfinished.stream().map(t -> t.handle).toList();
        }
    }

    /** Waits until the stub for {@code function} holds at least {@code count} unfinished jobs. */
    public List<Taken> awaitHeld(String function, int count, Duration timeout) {
        if (count < 0) {
            throw new IllegalArgumentException("count must not be negative, was " + count);
        }
        return waits.await(timeout == null ? defaultTimeout : timeout, () -> {
            List<Taken> now = held(function);
            return now.size() >= count ? Optional.of(now) : Optional.empty();
        }, j -> {
            List<Taken> now = held(function);
            return "It holds " + now.size() + (now.isEmpty() ? "." : ":")
                    + now.stream().map(t -> "\n  " + t).collect(Collectors.joining()) + "\n" + JournalWaits.seenJobs(j);
        }, count + " job(s) held by the stub for '" + function + "'");
    }

    /**
     * Fails (WORK_FAIL) every held job the test never finished, each with a journal note saying so
     * ({@code when}: "as the server closes"), so no client waits forever for a job a test forgot.
     */
    public void failUnfinished(String when) {
        List<Taken> left;
        synchronized (unfinished) {
            left = new ArrayList<>(unfinished);
        }
        for (Taken t : left) {
            if (!t.finished.compareAndSet(null, "fail() by the test kit " + when)) {
                continue;
            }
            synchronized (unfinished) {
                unfinished.remove(t);
            }
            journal.append((seq, time) -> new JournalEvent.KitNote(seq, time, t.handle, "held by the stub for '"
                    + t.function + "' and never finished by the test: failed (WORK_FAIL) " + when));
            try {
                t.sync(Packet.request(PacketType.WORK_FAIL, t.handle.getBytes(StandardCharsets.UTF_8)));
            } catch (RuntimeException | AssertionError gone) {
                // The stub's connection is gone: the server already dealt with the job.
            }
        }
    }

    /** Forgets every held job without answering (the stub's connection was dropped: restart). */
    public void forget() {
        synchronized (unfinished) {
            unfinished.clear();
        }
    }

    private void join(CompletableFuture<Void> f, String what) {
        try {
            f.get(waits.scale(defaultTimeout).toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            throw new AssertionError(what + " did not finish " + waits.describeTimeout(defaultTimeout), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while " + what, e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new IllegalStateException(what + " failed: " + e.getCause(), e.getCause());
        }
    }
}
