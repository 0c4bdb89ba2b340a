package dev.gear.junit5.internal;

import dev.gear.junit5.GlobalGearmanServer;
import dev.gear.server.AclFile;
import dev.gear.testkit.EmbeddedGearmanServer;
import java.util.Optional;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one server of a test plan, when {@code gear.server.global.enabled} is set: started by
 * {@link GlobalServerListener} as the plan starts, read by {@link GlobalServerInjection}, closed as
 * the plan ends. The one piece of static state in the extension, by design: a whole-run server is
 * shared by every class of the run.
 */
final class GlobalServer {
    private static final Logger LOG = LoggerFactory.getLogger(GlobalServer.class);
    private static final Object LOCK = new Object();
    private static EmbeddedGearmanServer running;
    /** Why the last plan's server did not start (shown to the tests that wanted it), or null. */
    private static String failure;
    /** Whether the current plan asked for a server at all. */
    private static boolean enabled;

    private GlobalServer() {
    }

    /** The plan starts: start its server if its configuration asks for one. */
    static void planStarted(Function<String, Optional<String>> parameters) {
        synchronized (LOCK) {
            stopLocked();
            failure = null;
            GlobalServerOptions options;
            try {
                options = GlobalServerOptions.from(parameters);
            } catch (IllegalArgumentException e) {
                enabled = true;
                failure = e.getMessage();
                LOG.error("the whole-run Gearman server was not started: {}", failure);
                return;
            }
            enabled = options.enabled();
            if (!enabled) {
                return;
            }
            try {
                EmbeddedGearmanServer.Builder builder = EmbeddedGearmanServer.builder().name("global")
                        .port(options.port());
                if (options.tls()) {
                    builder.tls();
                }
                if (options.acl() != null) {
                    builder.acl(AclFile.read(options.acl()));
                }
                EmbeddedGearmanServer server = builder.build().start();
                running = server;
                System.setProperty(GlobalGearmanServer.HOST_PROPERTY, server.address().getHostString());
                System.setProperty(GlobalGearmanServer.PORT_PROPERTY, Integer.toString(server.port()));
                LOG.info("whole-run Gearman server started on {}", server.connectString());
            } catch (RuntimeException e) {
                failure = e.getMessage();
                LOG.error("the whole-run Gearman server was not started: {}", failure, e);
            }
        }
    }

    /** The plan ends: close its server and take its address back. */
    static void planFinished() {
        synchronized (LOCK) {
            stopLocked();
            enabled = false;
        }
    }

    private static void stopLocked() {
        if (running != null) {
            try {
                running.close();
            } finally {
                running = null;
                System.clearProperty(GlobalGearmanServer.HOST_PROPERTY);
                System.clearProperty(GlobalGearmanServer.PORT_PROPERTY);
            }
        }
    }

    /**
     * The running server.
     *
     * @throws IllegalStateException saying why there is none and how to get one ({@code site} is the
     *                               field or parameter that asked)
     */
    static EmbeddedGearmanServer require(String site) {
        synchronized (LOCK) {
            if (running != null) {
                return running;
            }
            if (failure != null) {
                throw new IllegalStateException("@GlobalGearmanServer " + site + ": the whole-run server did not"
                        + " start: " + failure);
            }
            if (!enabled) {
                throw new IllegalStateException("@GlobalGearmanServer " + site + " needs the whole-run server, which"
                        + " is off: set gear.server.global.enabled=true in src/test/resources/junit-platform.properties"
                        + " (it is started by a TestExecutionListener, so junit-platform-launcher must be on the test"
                        + " class path, as it is under Maven Surefire, Gradle and IDEs)");
            }
            throw new IllegalStateException("@GlobalGearmanServer " + site + ": the whole-run server has stopped");
        }
    }
}
