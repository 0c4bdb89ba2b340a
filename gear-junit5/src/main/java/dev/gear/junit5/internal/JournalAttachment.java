package dev.gear.junit5.internal;

import dev.gear.testkit.PayloadFormat;
import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.opentest4j.TestAbortedException;

/**
 * On a failed test, attaches the journal of every server the test could see to the failure, as a
 * suppressed exception (IDEs and build reports print those under the failure) and as a report
 * entry. This is the evidence a reader needs to see why a job did not do what the test expected.
 * On a failing test method, the events from the test's start on are marked {@code >}: a server
 * shared by a class holds the earlier tests' events too (and, in parallel runs, the events of
 * tests running at the same time, which a journal cannot tell apart).
 */
public final class JournalAttachment {
    /** Report-entry key prefix: {@value}, followed by the server's declaration. */
    public static final String REPORT_KEY = "gear.journal";

    private final ServerScope scope;

    public JournalAttachment(ServerScope scope) {
        this.scope = scope;
    }

    /** Adds the journals to {@code failure} (unless it is an aborted test) and returns it for rethrowing. */
    public Throwable attach(ExtensionContext context, Throwable failure) {
        if (failure instanceof TestAbortedException) {
            return failure;
        }
        List<ManagedServer> servers = scope.visible(context);
        for (ManagedServer managed : servers) {
            if (!managed.server().isRunning()) {
                continue;
            }
            OptionalLong first = TestStartMarks.firstSequence(context, managed.server());
            String dump = first.isPresent()
                    ? managed.server().journal().dump(PayloadFormat.AUTO, first.getAsLong())
                    : managed.server().dumpJournal();
            failure.addSuppressed(new JournalDump(managed.site(), managed.server().toString(), dump));
            context.publishReportEntry(REPORT_KEY + " " + managed.site(), dump.isBlank() ? "(empty)" : dump);
        }
        return failure;
    }

    /** Carries a journal dump as its message; no stack trace, which would only be noise. */
    static final class JournalDump extends RuntimeException {
        private static final long serialVersionUID = 1L;

        JournalDump(String site, String server, String dump) {
            super("Journal of " + server + " (" + site + "):\n" + dump, null, false, false);
        }

        @Override
        public String toString() {
            // Without the class name: reads "Journal of …" in reports.
            return getMessage();
        }
    }
}
