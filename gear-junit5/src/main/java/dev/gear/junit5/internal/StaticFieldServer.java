package dev.gear.junit5.internal;

import dev.gear.junit5.GearmanServer;
import dev.gear.testkit.EmbeddedGearmanServer;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.List;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The server of one static {@code @GearmanServer} field, shared by every test class that runs with
 * that field: the class declaring it and any subclass of it. Kept in the root context's store,
 * keyed by the field, because a static field exists once however many classes inherit it.
 *
 * <p>Why: a static field declared in a shared superclass is seen by each subclass's class context.
 * If each context started its own server and wrote it into the one field, two subclasses running
 * in parallel would overwrite each other's server and close it under the other's tests. Here the
 * first class to need the field starts the server and writes the field; later classes
 * {@linkplain #acquire() acquire} the same one; the last to {@linkplain #release() release} it
 * closes it, so with a single class the port is free again right after that class, as before.
 * A class that comes after that gets a new server.
 */
@SuppressWarnings("deprecation")
final class StaticFieldServer implements AutoCloseable, ExtensionContext.Store.CloseableResource {
    /** Root-store key of a static field's shared server. */
    record Key(Field field) {
    }

    private final Field field;
    private final GearmanServer annotation;
    private final String site;
    /** Guarded by {@code this}. */
    private int users;
    private ManagedServer current;
    /** The last server this holder wrote into the field, or closed: told apart from one the test built. */
    private EmbeddedGearmanServer ours;
    private EmbeddedGearmanServer closedBuilt;

    StaticFieldServer(Field field, GearmanServer annotation) {
        this.field = field;
        this.annotation = annotation;
        this.site = Sites.field(field);
    }

    /** The running server of the field, started (and written into it) if no class is using it now. */
    synchronized ManagedServer acquire() {
        if (users == 0) {
            current = startNew();
        }
        users++;
        return current;
    }

    /** One class is done with the server; the last one closes it. */
    synchronized void release() {
        if (users > 0 && --users == 0) {
            close(current);
        }
    }

    /** End of the run: closes a server a class is still holding (only if a class context leaked). */
    @Override
    public synchronized void close() {
        if (users > 0) {
            users = 0;
            close(current);
        }
    }

    private void close(ManagedServer managed) {
        if (managed.server() != ours) {
            closedBuilt = managed.server();
        }
        managed.close();
    }

    private ManagedServer startNew() {
        Object value = ServerScope.read(field, null);
        if (value != null && value != ours) {
            List<String> attributes = ServerFactory.nonDefaultAttributes(annotation);
            if (!attributes.isEmpty()) {
                throw new ExtensionConfigurationException(Messages.prefilledWithAttributes(site, attributes));
            }
            EmbeddedGearmanServer built = (EmbeddedGearmanServer) value;
            if (built == closedBuilt) {
                throw new ExtensionConfigurationException(Messages.prefilledAlreadyClosed(site));
            }
            if (!built.isRunning()) {
                try {
                    built.start();
                } catch (RuntimeException e) {
                    built.close();
                    throw e;
                }
            }
            return new ManagedServer(built, site);
        }
        if (Modifier.isFinal(field.getModifiers())) {
            throw new ExtensionConfigurationException(Messages.finalAndEmpty(site));
        }
        EmbeddedGearmanServer server = ServerFactory.build(annotation, site,
                ServerScope.name(field.getName(), field.getDeclaringClass()));
        try {
            server.start();
        } catch (RuntimeException e) {
            server.close();
            throw e;
        }
        ours = server;
        ServerScope.write(field, null, server);
        return new ManagedServer(server, site);
    }

    /** A class context's hold on the shared server, released when JUnit closes that context. */
    static final class Lease implements AutoCloseable, ExtensionContext.Store.CloseableResource {
        private final StaticFieldServer shared;
        private boolean released;

        Lease(StaticFieldServer shared) {
            this.shared = shared;
        }

        @Override
        public void close() {
            synchronized (shared) {
                if (!released) {
                    released = true;
                    shared.release();
                }
            }
        }
    }
}
