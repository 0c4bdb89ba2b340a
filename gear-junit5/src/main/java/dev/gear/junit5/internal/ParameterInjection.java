package dev.gear.junit5.internal;

import dev.gear.Client;
import dev.gear.Worker;
import dev.gear.junit5.CanDo;
import dev.gear.junit5.ClientCert;
import dev.gear.junit5.ConnectedTo;
import dev.gear.junit5.GearmanServer;
import dev.gear.server.Acl;
import dev.gear.testkit.EmbeddedGearmanServer;
import java.lang.reflect.Constructor;
import java.lang.reflect.Parameter;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.platform.commons.support.AnnotationSupport;

/**
 * Resolves the parameters the extension offers: {@code @GearmanServer EmbeddedGearmanServer} (a
 * new server for that method), and {@code EmbeddedGearmanServer}, {@code Client} and
 * {@code Worker} without annotation (the one server in scope, or a peer connected to it, or to the
 * server of the field {@code @ConnectedTo} names).
 */
public final class ParameterInjection {
    private final ServerScope scope;

    public ParameterInjection(ServerScope scope) {
        this.scope = scope;
    }

    /** Whether the parameter is ours; throws, naming the parameter, when it is ours but misdeclared. */
    public boolean supports(ParameterContext parameterContext) {
        Parameter parameter = parameterContext.getParameter();
        Class<?> type = parameter.getType();
        boolean annotated = parameterContext.isAnnotated(GearmanServer.class);
        boolean injectable = type == EmbeddedGearmanServer.class || type == Client.class || type == Worker.class;
        String site = Sites.parameter(parameter, parameterContext.getIndex());
        if (parameterContext.getDeclaringExecutable() instanceof Constructor && (annotated || injectable)) {
            throw new ParameterResolutionException(Messages.constructorParameter(
                    annotated ? "@GearmanServer" : type.getSimpleName(), site));
        }
        if (parameterContext.isAnnotated(CanDo.class) && type != Worker.class) {
            throw new ParameterResolutionException(Messages.misplaced("@CanDo", site, "Worker"));
        }
        if (parameterContext.isAnnotated(ConnectedTo.class) && type != Worker.class && type != Client.class) {
            throw new ParameterResolutionException(Messages.misplaced("@ConnectedTo", site, "Client and Worker"));
        }
        if (parameterContext.isAnnotated(ClientCert.class) && type != Worker.class && type != Client.class) {
            throw new ParameterResolutionException(Messages.misplaced("@ClientCert", site, "Client and Worker"));
        }
        if (annotated) {
            if (type != EmbeddedGearmanServer.class) {
                throw new ParameterResolutionException(Messages.wrongType("@GearmanServer " + site, type));
            }
            return true;
        }
        return injectable;
    }

    public Object resolve(ParameterContext parameterContext, ExtensionContext context) {
        Parameter parameter = parameterContext.getParameter();
        int index = parameterContext.getIndex();
        if (parameterContext.isAnnotated(GearmanServer.class)) {
            return parameterServer(context, parameter, index);
        }
        // Servers declared as parameters of this same method are started first, whatever their
        // position, so that "the server in scope" does not depend on parameter order.
        Parameter[] all = parameter.getDeclaringExecutable().getParameters();
        for (int i = 0; i < all.length; i++) {
            if (i != index && all[i].getType() == EmbeddedGearmanServer.class
                    && AnnotationSupport.isAnnotated(all[i], GearmanServer.class)) {
                parameterServer(context, all[i], i);
            }
        }
        Class<?> type = parameter.getType();
        String site = Sites.parameter(parameter, index);
        Optional<String> named = parameterContext.findAnnotation(ConnectedTo.class).map(ConnectedTo::value);
        ManagedServer managed = named.isPresent() ? namedServer(context, named.get(), site)
                : onlyServer(context, type.getSimpleName(), site, remedy(type));
        if (type == EmbeddedGearmanServer.class) {
            return managed.server();
        }
        String cn = parameterContext.findAnnotation(ClientCert.class).map(ClientCert::value).orElse(null);
        if (cn != null && !managed.tls()) {
            throw new ParameterResolutionException(Messages.clientCertWithoutTls(cn, site, managed.site()));
        }
        EmbeddedGearmanServer server = managed.server();
        AutoCloseable peer;
        if (type == Client.class) {
            peer = server.newClientAs(cn != null ? cn : EmbeddedGearmanServer.DEFAULT_CLIENT_CN);
        } else {
            List<String> functions = List.of(parameterContext.findAnnotation(CanDo.class).map(CanDo::value)
                    .orElse(new String[0]));
            String workerCn = cn != null ? cn : EmbeddedGearmanServer.DEFAULT_WORKER_CN;
            requireRegistrationAllowed(server, workerCn, functions, site, managed.site());
            peer = server.newWorkerAs(workerCn, functions.toArray(String[]::new));
        }
        // A random key: peers are only stored to be closed with this context.
        context.getStore(ServerScope.NAMESPACE).put(UUID.randomUUID(), new ManagedPeer(peer));
        return peer;
    }

    /**
     * JUnit reports a {@link ParameterResolutionException} with its message as is, but wraps any
     * other exception in "Failed to resolve parameter …"; keep misuse messages exact.
     */
    private EmbeddedGearmanServer parameterServer(ExtensionContext context, Parameter parameter, int index) {
        try {
            return scope.parameterServer(context, parameter, index);
        } catch (ExtensionConfigurationException e) {
            throw new ParameterResolutionException(e.getMessage(), e);
        }
    }

    /**
     * A registration the ACL denies is silently ignored by the server (gear's rule), so the
     * worker would never be recorded and resolving would time out; say why at once instead.
     */
    private static void requireRegistrationAllowed(EmbeddedGearmanServer server, String cn, List<String> functions,
            String site, String serverSite) {
        Optional<Acl> acl = server.server().acl();
        if (acl.isEmpty()) {
            return;
        }
        for (String function : functions) {
            if (!acl.get().canRegister(cn, function)) {
                throw new ParameterResolutionException(Messages.registrationDenied(cn, function, site, serverSite));
            }
        }
    }

    /** The server of the {@code @GearmanServer} field called {@code name} among those in scope. */
    private ManagedServer namedServer(ExtensionContext context, String name, String site) {
        List<ManagedServer> servers = scope.visible(context);
        List<ManagedServer> matching = servers.stream().filter(s -> name.equals(Sites.fieldName(s.site()))).toList();
        if (matching.isEmpty()) {
            throw new ParameterResolutionException(Messages.connectedToUnknown(name, site,
                    servers.stream().map(ManagedServer::site).sorted().toList()));
        }
        if (matching.size() > 1) {
            throw new ParameterResolutionException(Messages.connectedToAmbiguous(name, site,
                    matching.stream().map(ManagedServer::site).sorted().toList()));
        }
        return matching.get(0);
    }

    private ManagedServer onlyServer(ExtensionContext context, String what, String site, String remedy) {
        List<ManagedServer> servers = scope.visible(context);
        if (servers.isEmpty()) {
            throw new ParameterResolutionException(Messages.noServer(what, site));
        }
        if (servers.size() > 1) {
            throw new ParameterResolutionException(Messages.twoServers(what, site,
                    servers.stream().map(ManagedServer::site).sorted().collect(Collectors.toList()), remedy));
        }
        return servers.get(0);
    }

    private static String remedy(Class<?> type) {
        if (type == Client.class) {
            return "name the field you mean with @ConnectedTo, or call newClient() on that server instead";
        }
        if (type == Worker.class) {
            return "name the field you mean with @ConnectedTo, or call newWorker(...) on that server instead";
        }
        return "use the field you mean, or keep one @GearmanServer";
    }
}
