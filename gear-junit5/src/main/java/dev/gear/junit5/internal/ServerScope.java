package dev.gear.junit5.internal;

import dev.gear.junit5.GearmanServer;
import dev.gear.testkit.EmbeddedGearmanServer;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.lang.reflect.Parameter;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ExtensionContext.Namespace;
import org.junit.jupiter.api.extension.ExtensionContext.Store;
import org.junit.platform.commons.support.AnnotationSupport;
import org.junit.platform.commons.support.ModifierSupport;

/**
 * Starts the servers of {@code @GearmanServer} fields and parameters, keeps them in the context
 * store, and answers which servers a context can see.
 *
 * <p>Stateless: every server lives in the {@link Store} of the context whose life it shares (the
 * class context for instance fields of a per-class instance, the method context for other
 * instance fields and parameters), so JUnit closes it with that context. A static field exists
 * once for all classes that inherit it, so its server lives in the root store, held by a lease in
 * each class context that uses it ({@link StaticFieldServer}); nothing else is shared between
 * contexts that run in parallel.
 */
public final class ServerScope {
    /** The store namespace of everything the extension keeps. */
    static final Namespace NAMESPACE = Namespace.create("dev.gear.junit5");

    /** Store key of the server of one field or parameter. */
    private record SiteKey(Object site) {
    }

    /**
     * Starts (or joins) the servers of the static {@code @GearmanServer} fields of the context's
     * test class, inherited ones included; see {@link StaticFieldServer} for why they are shared.
     */
    public void startStaticFields(ExtensionContext context) {
        Class<?> testClass = context.getRequiredTestClass();
        for (Field field : AnnotationSupport.findAnnotatedFields(testClass, GearmanServer.class,
                ModifierSupport::isStatic)) {
            startStaticField(context, field);
        }
        // A per-class instance exists before @BeforeAll: give its instance fields their servers now,
        // so @BeforeAll methods (which may be instance methods) can use them. beforeEach then finds them.
        if (context.getTestInstanceLifecycle().orElse(TestInstance.Lifecycle.PER_METHOD)
                == TestInstance.Lifecycle.PER_CLASS) {
            context.getTestInstance().ifPresent(instance -> {
                for (Field field : AnnotationSupport.findAnnotatedFields(instance.getClass(), GearmanServer.class,
                        ModifierSupport::isNotStatic)) {
                    startField(context, field, instance);
                }
            });
        }
    }

    private void startStaticField(ExtensionContext context, Field field) {
        if (field.getType() != EmbeddedGearmanServer.class) {
            throw new ExtensionConfigurationException(Messages.wrongType("@GearmanServer " + Sites.field(field),
                    field.getType()));
        }
        Store store = context.getStore(NAMESPACE);
        if (store.get(new SiteKey(field)) != null) {
            return; // this class context already holds it
        }
        GearmanServer annotation = AnnotationSupport.findAnnotation(field, GearmanServer.class).orElseThrow();
        StaticFieldServer shared = context.getRoot().getStore(NAMESPACE).getOrComputeIfAbsent(
                new StaticFieldServer.Key(field), k -> new StaticFieldServer(field, annotation),
                StaticFieldServer.class);
        ManagedServer managed = shared.acquire();
        store.put(new SiteKey(field), new StaticFieldServer.Lease(shared));
        register(context, managed);
    }

    /** Starts the servers of the instance {@code @GearmanServer} fields of every test instance (outer ones too). */
    public void startInstanceFields(ExtensionContext context) {
        for (Object instance : context.getRequiredTestInstances().getAllInstances()) {
            for (Field field : AnnotationSupport.findAnnotatedFields(instance.getClass(), GearmanServer.class,
                    ModifierSupport::isNotStatic)) {
                startField(storeContextOf(context, instance), field, instance);
            }
        }
        TestStartMarks.remember(context, visible(context));
    }

    /** The server of a {@code @GearmanServer} parameter, started on first use in this context. */
    public EmbeddedGearmanServer parameterServer(ExtensionContext context, Parameter parameter, int index) {
        String site = Sites.parameter(parameter, index);
        if (parameter.getType() != EmbeddedGearmanServer.class) {
            throw new ExtensionConfigurationException(Messages.wrongType("@GearmanServer " + site, parameter.getType()));
        }
        GearmanServer annotation = AnnotationSupport.findAnnotation(parameter, GearmanServer.class).orElseThrow();
        Store store = context.getStore(NAMESPACE);
        // Stored before start so that JUnit closes it even when start fails half-way.
        EmbeddedGearmanServer server = store.getOrComputeIfAbsent(new SiteKey(parameter), k -> {
            EmbeddedGearmanServer created = ServerFactory.build(annotation, site, name(parameter.getName(),
                    parameter.getDeclaringExecutable().getDeclaringClass()));
            return register(context, new ManagedServer(created, site));
        }, ManagedServer.class).server();
        synchronized (server) {
            if (!server.isRunning()) {
                server.start();
            }
        }
        return server;
    }

    /**
     * The servers {@code context} can see: those started in it and in every enclosing context
     * (outer classes included), innermost first, each once.
     */
    public List<ManagedServer> visible(ExtensionContext context) {
        Set<ManagedServer> out = new LinkedHashSet<>();
        for (Optional<ExtensionContext> c = Optional.of(context); c.isPresent(); c = c.get().getParent()) {
            ServerRegistry registry = c.get().getStore(NAMESPACE)
                    .get(new ServerRegistry.Key(c.get().getUniqueId()), ServerRegistry.class);
            if (registry != null) {
                out.addAll(registry.servers());
            }
        }
        return new ArrayList<>(out);
    }

    private void startField(ExtensionContext context, Field field, Object instance) {
        String site = Sites.field(field);
        if (field.getType() != EmbeddedGearmanServer.class) {
            throw new ExtensionConfigurationException(Messages.wrongType("@GearmanServer " + site, field.getType()));
        }
        GearmanServer annotation = AnnotationSupport.findAnnotation(field, GearmanServer.class).orElseThrow();
        Object current = read(field, instance);
        Store store = context.getStore(NAMESPACE);
        ManagedServer known = store.get(new SiteKey(field), ManagedServer.class);
        if (known != null && known.server() == current) {
            return; // a per-class instance or an outer instance already got its server in this scope
        }
        if (current != null) {
            List<String> attributes = ServerFactory.nonDefaultAttributes(annotation);
            if (!attributes.isEmpty()) {
                throw new ExtensionConfigurationException(Messages.prefilledWithAttributes(site, attributes));
            }
            EmbeddedGearmanServer server = (EmbeddedGearmanServer) current;
            // Stored before start so that it is closed even when start fails half-way.
            store.put(new SiteKey(field), register(context, new ManagedServer(server, site)));
            if (!server.isRunning()) {
                server.start();
            }
            return;
        }
        if (Modifier.isFinal(field.getModifiers())) {
            throw new ExtensionConfigurationException(Messages.finalAndEmpty(site));
        }
        EmbeddedGearmanServer server = ServerFactory.build(annotation, site,
                name(field.getName(), field.getDeclaringClass()));
        store.put(new SiteKey(field), register(context, new ManagedServer(server, site)));
        server.start();
        write(field, instance, server);
    }

    private static ManagedServer register(ExtensionContext context, ManagedServer managed) {
        context.getStore(NAMESPACE).getOrComputeIfAbsent(new ServerRegistry.Key(context.getUniqueId()),
                k -> new ServerRegistry(), ServerRegistry.class).add(managed);
        return managed;
    }

    /**
     * Where an instance field's server lives: with a per-class instance, in the context that
     * created the instance (so every test of it shares the server); else in this test's context.
     */
    private static ExtensionContext storeContextOf(ExtensionContext context, Object instance) {
        if (context.getTestInstanceLifecycle().orElse(TestInstance.Lifecycle.PER_METHOD)
                == TestInstance.Lifecycle.PER_CLASS) {
            for (Optional<ExtensionContext> c = context.getParent(); c.isPresent(); c = c.get().getParent()) {
                if (c.get().getTestMethod().isEmpty() && c.get().getTestInstance().orElse(null) == instance) {
                    return c.get();
                }
            }
        }
        return context;
    }

    /** Thread and log name of a server: {@code OrderTest.server}. */
    static String name(String element, Class<?> owner) {
        return Sites.className(owner) + "." + element;
    }

    static Object read(Field field, Object instance) {
        try {
            field.setAccessible(true);
            return field.get(instance);
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new ExtensionConfigurationException("Cannot read @GearmanServer " + Sites.field(field) + ": " + e, e);
        }
    }

    static void write(Field field, Object instance, Object value) {
        try {
            field.set(instance, value);
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new ExtensionConfigurationException("Cannot set @GearmanServer " + Sites.field(field) + ": " + e, e);
        }
    }
}
