package dev.gear.testkit.internal;

import dev.gear.testkit.Journal;
import dev.gear.testkit.JournalEvent;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Waits for workers to register functions, as the server recorded it. A registration the ACL
 * refuses is ignored by the server (gear's rule), so without a look at the journal's denials such
 * a wait would only time out; these waits name the denial, and the one behind {@code newWorker}
 * fails as soon as it appears.
 */
public final class RegistrationWaits {
    private final JournalWaits waits;
    private final JournalRecorder recorder;
    private final EventJournal journal;

    public RegistrationWaits(JournalWaits waits, JournalRecorder recorder, EventJournal journal) {
        this.waits = waits;
        this.recorder = recorder;
        this.journal = journal;
    }

    /** Until at least {@code count} connections (stubs included) registered {@code function}. */
    public void awaitWorkers(String function, int count, Duration timeout) {
        waits.await(timeout,
                () -> recorder.workerCount(function) >= count ? Optional.of(Boolean.TRUE) : Optional.empty(),
                j -> registrations(j, function),
                count + " worker(s) registered for '" + function + "'");
    }

    /** How many connections registered each function now, before a worker registers {@code functions}. */
    public Map<String, Integer> countsBefore(List<String> functions) {
        Map<String, Integer> before = new LinkedHashMap<>();
        for (String f : functions) {
            before.putIfAbsent(f, recorder.workerCount(f));
        }
        return before;
    }

    /** The sequence number of the newest event now: denials after it belong to the worker about to register. */
    public long mark() {
        return journal.snapshot().lastSequence();
    }

    /**
     * Until each function has one more registration than {@code before} says, failing at once
     * when the ACL denies CN {@code commonName} one of them after {@code mark}.
     *
     * @param call       how the failure names the call the test made, e.g. {@code newWorker("renderer")}
     * @param commonName the CN the worker presents, or {@code null} on plain TCP (no ACL there)
     * @param hint       the sentence a denial's failure ends with: how to fix the call
     */
    public void awaitNewWorker(String call, String commonName, String hint, Map<String, Integer> before, long mark,
            Duration timeout) {
        Object outcome = waits.await(timeout, () -> {
            Optional<JournalEvent.AclDenied> denied = denial(journal.snapshot(), commonName, before, mark);
            if (denied.isPresent()) {
                return Optional.<Object>of(denied.get());
            }
            boolean all = before.entrySet().stream().allMatch(e -> recorder.workerCount(e.getKey()) > e.getValue());
            return all ? Optional.<Object>of(Boolean.TRUE) : Optional.empty();
        }, j -> before.keySet().stream().map(f -> registrations(j, f)).distinct()
                .reduce((a, b) -> a + "\n" + b).orElse(""),
                call + " to register " + String.join(", ", before.keySet()));
        if (outcome instanceof JournalEvent.AclDenied d) {
            throw new AssertionError(call + " failed: the server's ACL denied CN=" + commonName + " registering '"
                    + d.target() + "' (journal #" + d.sequence() + "; a denied CAN_DO is ignored, so no job would"
                    + " reach this worker). " + hint + JournalWaits.aclDenials(
                            journal.snapshot()));
        }
    }

    private static Optional<JournalEvent.AclDenied> denial(Journal j, String commonName, Map<String, Integer> before,
            long mark) {
        return j.events(JournalEvent.AclDenied.class).stream()
                .filter(d -> commonName != null && d.sequence() > mark && d.action().equals("register")
                        && before.containsKey(d.target()) && commonName.equals(d.peer().subject()))
                .findFirst();
    }

    private String registrations(Journal j, String function) {
        return "Now registered for '" + function + "': " + recorder.workerCount(function) + "; per function: "
                + recorder.workerCounts() + "\n" + j.events(JournalEvent.CanDo.class).size() + " CAN_DO and "
                + j.events(JournalEvent.CantDo.class).size() + " CANT_DO event(s) in the journal";
    }
}
