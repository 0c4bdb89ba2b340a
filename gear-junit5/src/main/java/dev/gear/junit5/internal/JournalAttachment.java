package dev.gear.junit5.internal;

import java.util.List;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.opentest4j.TestAbortedException;

/**
 * On a failed test, attaches the journal of every server the test could see to the failure, as a
 * suppressed exception (IDEs and build reports print those under the failure) and as a report
 * entry. This is the evidence a reader needs to see why a job did not do what the test expected.
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
            String dump = managed.server().dumpJournal();
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
