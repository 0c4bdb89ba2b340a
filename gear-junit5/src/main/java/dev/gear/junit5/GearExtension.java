package dev.gear.junit5;

import dev.gear.junit5.internal.GlobalServerInjection;
import dev.gear.junit5.internal.JournalAttachment;
import dev.gear.junit5.internal.ParameterInjection;
import dev.gear.junit5.internal.ServerScope;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.LifecycleMethodExecutionExceptionHandler;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.jupiter.api.extension.TestExecutionExceptionHandler;

/**
 * The JUnit Jupiter extension behind {@link GearmanServer}. Registered automatically by that
 * annotation; {@code @ExtendWith(GearExtension.class)} on a class works too, and lets a class
 * inject {@code Client}, {@code Worker} and {@code EmbeddedGearmanServer} parameters without
 * declaring a server itself (e.g. a {@code @Nested} class of one that does).
 *
 * <p>What it does:
 * <ul>
 *   <li>starts the servers of static {@code @GearmanServer} fields before all tests of a class,
 *       and of instance fields before each test, and of {@code @GearmanServer} parameters when
 *       resolving them;</li>
 *   <li>sets {@link GlobalGearmanServer} fields and parameters to the server of the whole test run;</li>
 *   <li>injects {@code Client} and {@code Worker} parameters connected to the one server in
 *       scope ({@link CanDo} and {@link ClientCert} shape them), and the server itself;</li>
 *   <li>on a failing test or lifecycle method, attaches the journals of the servers in scope to
 *       the failure;</li>
 *   <li>keeps all of this in the {@code ExtensionContext.Store}, so JUnit closes it when the
 *       scope ends, and holds no state of its own: one instance serves parallel tests.</li>
 * </ul>
 *
 * @since 0.1
 */
public final class GearExtension implements BeforeAllCallback, BeforeEachCallback, ParameterResolver,
        TestExecutionExceptionHandler, LifecycleMethodExecutionExceptionHandler {
    private final ServerScope scope = new ServerScope();
    private final ParameterInjection parameters = new ParameterInjection(scope);
    private final JournalAttachment journals = new JournalAttachment(scope);
    private final GlobalServerInjection global = new GlobalServerInjection();

    /** Created by JUnit. */
    public GearExtension() {
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        global.injectStaticFields(context);
        scope.startStaticFields(context);
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        global.injectInstanceFields(context);
        scope.startInstanceFields(context);
    }

    @Override
    public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        return global.supports(parameterContext) || parameters.supports(parameterContext);
    }

    @Override
    public Object resolveParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        if (global.supports(parameterContext)) {
            return global.resolve(parameterContext);
        }
        return parameters.resolve(parameterContext, extensionContext);
    }

    @Override
    public void handleTestExecutionException(ExtensionContext context, Throwable throwable) throws Throwable {
        throw journals.attach(context, throwable);
    }

    @Override
    public void handleBeforeEachMethodExecutionException(ExtensionContext context, Throwable throwable)
            throws Throwable {
        throw journals.attach(context, throwable);
    }

    @Override
    public void handleAfterEachMethodExecutionException(ExtensionContext context, Throwable throwable)
            throws Throwable {
        throw journals.attach(context, throwable);
    }

    @Override
    public void handleBeforeAllMethodExecutionException(ExtensionContext context, Throwable throwable)
            throws Throwable {
        throw journals.attach(context, throwable);
    }

    @Override
    public void handleAfterAllMethodExecutionException(ExtensionContext context, Throwable throwable)
            throws Throwable {
        throw journals.attach(context, throwable);
    }
}
