package dev.gear.junit5.internal;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;

/**
 * The whole-run server's configuration parameters ({@code junit-platform.properties}, or
 * {@code -D}/build-tool configuration parameters): {@code gear.server.global.enabled}, {@code .port},
 * {@code .tls}, {@code .acl}. Each bad value is refused with a message naming the key, the value
 * and what is allowed.
 *
 * @param enabled whether a server runs for the whole plan
 * @param port    the port, 0 for a free one
 * @param tls     whether it serves TLS with the test kit's certificates
 * @param acl     an ACL file in gear's format, or null
 */
record GlobalServerOptions(boolean enabled, int port, boolean tls, Path acl) {
    static final String PREFIX = "gear.server.global.";

    /**
     * @throws IllegalArgumentException naming the key and the bad value
     */
    static GlobalServerOptions from(Function<String, Optional<String>> parameters) {
        boolean enabled = bool(parameters, "enabled");
        if (!enabled) {
            return new GlobalServerOptions(false, 0, false, null);
        }
        int port = 0;
        Optional<String> portText = parameters.apply(PREFIX + "port").map(String::trim);
        if (portText.isPresent()) {
            try {
                port = Integer.parseInt(portText.get());
            } catch (NumberFormatException e) {
                port = -1;
            }
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException(PREFIX + "port must be a port number from 0 (any free port) to"
                        + " 65535, got '" + portText.get() + "'");
            }
        }
        boolean tls = bool(parameters, "tls");
        Path acl = null;
        Optional<String> aclText = parameters.apply(PREFIX + "acl").map(String::trim).filter(s -> !s.isEmpty());
        if (aclText.isPresent()) {
            acl = Path.of(aclText.get());
            if (!Files.isRegularFile(acl)) {
                throw new IllegalArgumentException(PREFIX + "acl names no readable file: '" + aclText.get()
                        + "' (resolved against " + Path.of("").toAbsolutePath() + ")");
            }
            if (!tls) {
                throw new IllegalArgumentException(PREFIX + "acl needs " + PREFIX
                        + "tls=true: the ACL's identity is the client certificate's CN");
            }
        }
        return new GlobalServerOptions(true, port, tls, acl);
    }

    private static boolean bool(Function<String, Optional<String>> parameters, String name) {
        Optional<String> text = parameters.apply(PREFIX + name).map(String::trim);
        if (text.isEmpty()) {
            return false;
        }
        return switch (text.get().toLowerCase(Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new IllegalArgumentException(PREFIX + name + " must be true or false, got '"
                    + text.get() + "'");
        };
    }
}
