package dev.gear.it.support;

import java.util.function.Supplier;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestExecutionExceptionHandler;

/**
 * Says which server a failed scenario ran against. The same scenario runs once per server and
 * build reports show only the method name, so without this a failure against one server reads
 * exactly like a failure against the other.
 *
 * <p>Register it on an instance field, pointing at the scenario's server:
 * {@code @RegisterExtension final ServerFailureContext context = new ServerFailureContext(() -> server);}
 * An {@link AssertionError} is rethrown with the server's name in front of its message and the
 * server's diagnostics (e.g. gearmand's log tail) after it; anything else gets them as a
 * suppressed exception.
 */
public final class ServerFailureContext implements TestExecutionExceptionHandler {
    private final Supplier<ServerUnderTest> server;

    public ServerFailureContext(Supplier<ServerUnderTest> server) {
        this.server = server;
    }

    @Override
    public void handleTestExecutionException(ExtensionContext context, Throwable failure) throws Throwable {
        ServerUnderTest s = server.get();
        if (s == null) {
            throw failure;
        }
        String diagnostics = s.diagnostics();
        String where = "[against " + s.name() + " on " + s.host() + ":" + s.port() + "] ";
        if (failure instanceof AssertionError) {
            AssertionError named = new AssertionError(where + failure.getMessage()
                    + (diagnostics.isEmpty() ? "" : "\n--- server diagnostics ---\n" + diagnostics), failure.getCause());
            named.setStackTrace(failure.getStackTrace());
            for (Throwable suppressed : failure.getSuppressed()) {
                named.addSuppressed(suppressed);
            }
            throw named;
        }
        failure.addSuppressed(new ServerDiagnostics(where + diagnostics));
        throw failure;
    }

    /** Carries a server's name and diagnostics alongside a failure that is not an assertion. */
    static final class ServerDiagnostics extends Exception {
        private static final long serialVersionUID = 1L;

        ServerDiagnostics(String message) {
            super(message, null, false, false);
        }
    }
}
