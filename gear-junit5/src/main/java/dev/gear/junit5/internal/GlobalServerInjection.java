package dev.gear.junit5.internal;

import dev.gear.junit5.GlobalGearmanServer;
import dev.gear.testkit.EmbeddedGearmanServer;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.platform.commons.support.AnnotationSupport;
import org.junit.platform.commons.support.HierarchyTraversalMode;

/**
 * Sets {@link GlobalGearmanServer} fields and resolves such parameters to the whole-run server.
 * Nothing here owns the server: it outlives every class and is closed when the plan ends.
 */
public final class GlobalServerInjection {

    /** Whether the parameter asks for the whole-run server; throws, naming it, when misdeclared. */
    public boolean supports(ParameterContext parameterContext) {
        if (!parameterContext.isAnnotated(GlobalGearmanServer.class)) {
            return false;
        }
        Class<?> type = parameterContext.getParameter().getType();
        if (type != EmbeddedGearmanServer.class) {
            throw new ParameterResolutionException(Messages.wrongType("@GlobalGearmanServer "
                    + Sites.parameter(parameterContext.getParameter(), parameterContext.getIndex()), type));
        }
        return true;
    }

    public EmbeddedGearmanServer resolve(ParameterContext parameterContext) {
        String site = Sites.parameter(parameterContext.getParameter(), parameterContext.getIndex());
        try {
            return GlobalServer.require(site);
        } catch (IllegalStateException e) {
            throw new ParameterResolutionException(e.getMessage());
        }
    }

    /** Sets the static {@code @GlobalGearmanServer} fields of the context's test class (inherited ones too). */
    public void injectStaticFields(ExtensionContext context) {
        Class<?> testClass = context.getRequiredTestClass();
        for (Field field : AnnotationSupport.findAnnotatedFields(testClass, GlobalGearmanServer.class,
                f -> Modifier.isStatic(f.getModifiers()), HierarchyTraversalMode.TOP_DOWN)) {
            inject(field, null);
        }
    }

    /** Sets the instance {@code @GlobalGearmanServer} fields of every test instance of the context (outer ones too). */
    public void injectInstanceFields(ExtensionContext context) {
        context.getTestInstances().ifPresent(instances -> {
            for (Object instance : instances.getAllInstances()) {
                for (Field field : AnnotationSupport.findAnnotatedFields(instance.getClass(), GlobalGearmanServer.class,
                        f -> !Modifier.isStatic(f.getModifiers()), HierarchyTraversalMode.TOP_DOWN)) {
                    inject(field, instance);
                }
            }
        });
    }

    private static void inject(Field field, Object instance) {
        String site = Sites.field(field);
        if (field.getType() != EmbeddedGearmanServer.class) {
            throw new ExtensionConfigurationException(Messages.wrongType("@GlobalGearmanServer " + site,
                    field.getType()));
        }
        if (Modifier.isFinal(field.getModifiers())) {
            throw new ExtensionConfigurationException("@GlobalGearmanServer " + site
                    + " is final, so the extension cannot set it: remove 'final'");
        }
        EmbeddedGearmanServer server;
        try {
            server = GlobalServer.require(site);
        } catch (IllegalStateException e) {
            throw new ExtensionConfigurationException(e.getMessage());
        }
        try {
            field.setAccessible(true);
        } catch (RuntimeException e) {
            throw new ExtensionConfigurationException("Cannot set @GlobalGearmanServer " + site + ": " + e, e);
        }
        ServerScope.write(field, instance, server);
    }
}
