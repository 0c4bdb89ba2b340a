package dev.gear.internal.store;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * gearmand's {@code --libpq-conninfo}, a libpq connection string, as a JDBC URL and properties for
 * the PostgreSQL JDBC driver.
 *
 * <p>Both libpq forms are read: {@code keyword=value} pairs separated by white space (values in
 * single quotes may hold spaces, {@code \'} and {@code \\}), and URIs {@code postgresql://...}
 * (handed to the driver as {@code jdbc:postgresql://...}, which reads the same form). {@code host},
 * {@code hostaddr}, {@code port} and {@code dbname} make the URL (comma lists give the driver's
 * multi-host URL); the other supported keywords become driver properties. A host starting with
 * {@code /} (a unix-socket directory) and keywords the driver has no equivalent for are refused
 * with a message naming them, never silently ignored.
 *
 * @param url        {@code jdbc:postgresql://host:port/dbname}
 * @param properties driver properties (user, password, ssl...), unmodifiable
 */
public record LibpqConninfo(String url, Map<String, String> properties) {
    /** libpq keyword to JDBC driver property, for what is not part of the URL. */
    private static final Map<String, String> PROPERTY_NAMES = Map.ofEntries(
            Map.entry("user", "user"),
            Map.entry("password", "password"),
            Map.entry("sslmode", "sslmode"),
            Map.entry("sslcert", "sslcert"),
            Map.entry("sslkey", "sslkey"),
            Map.entry("sslrootcert", "sslrootcert"),
            Map.entry("sslpassword", "sslpassword"),
            Map.entry("connect_timeout", "connectTimeout"),
            Map.entry("application_name", "ApplicationName"),
            Map.entry("options", "options"),
            Map.entry("target_session_attrs", "targetServerType"),
            Map.entry("gssencmode", "gssEncMode"),
            Map.entry("keepalives", "tcpKeepAlive"));

    /** Copies the properties. */
    public LibpqConninfo {
        properties = Collections.unmodifiableMap(new LinkedHashMap<>(properties));
    }

    /** The properties as {@link Properties} for {@code DriverManager.getConnection}. */
    public Properties toProperties() {
        Properties result = new Properties();
        result.putAll(properties);
        return result;
    }

    /**
     * Converts a libpq connection string.
     *
     * @throws IllegalArgumentException saying what is wrong in it: an unterminated quote, a word
     *                                  without {@code =}, a keyword the JDBC driver cannot honour
     */
    public static LibpqConninfo parse(String conninfo) {
        if (conninfo == null) {
            throw new IllegalArgumentException("libpq conninfo is null");
        }
        String trimmed = conninfo.strip();
        if (trimmed.startsWith("postgresql://") || trimmed.startsWith("postgres://")) {
            return new LibpqConninfo("jdbc:postgresql://" + trimmed.substring(trimmed.indexOf("://") + 3), Map.of());
        }
        Map<String, String> pairs = pairs(trimmed);
        List<String> hosts = split(pairs.containsKey("hostaddr") ? pairs.get("hostaddr") : pairs.getOrDefault("host", "localhost"));
        List<String> ports = split(pairs.getOrDefault("port", ""));
        if (ports.size() > 1 && ports.size() != hosts.size()) {
            throw new IllegalArgumentException("libpq conninfo has " + hosts.size() + " host(s) but " + ports.size()
                    + " ports; give one port, or one per host");
        }
        StringBuilder url = new StringBuilder("jdbc:postgresql://");
        for (int i = 0; i < hosts.size(); i++) {
            String host = hosts.get(i);
            if (host.startsWith("/")) {
                throw new IllegalArgumentException("libpq conninfo host '" + host + "' is a unix-socket directory;"
                        + " the PostgreSQL JDBC driver connects over TCP only: give host=127.0.0.1 (or a name) and port");
            }
            url.append(i == 0 ? "" : ",").append(host.contains(":") ? "[" + host + "]" : host);
            String port = ports.isEmpty() ? "" : ports.get(ports.size() == 1 ? 0 : i);
            if (!port.isEmpty()) {
                if (!port.chars().allMatch(Character::isDigit)) {
                    throw new IllegalArgumentException("libpq conninfo port '" + port + "' is not a number");
                }
                url.append(':').append(port);
            }
        }
        url.append('/').append(urlEncode(pairs.getOrDefault("dbname", "")));
        Map<String, String> properties = new LinkedHashMap<>();
        for (Map.Entry<String, String> pair : pairs.entrySet()) {
            String keyword = pair.getKey();
            switch (keyword) {
                case "host", "hostaddr", "port", "dbname" -> {
                }
                default -> {
                    String property = PROPERTY_NAMES.get(keyword);
                    if (property == null) {
                        throw new IllegalArgumentException("libpq conninfo keyword '" + keyword
                                + "' has no PostgreSQL JDBC driver equivalent; supported: host, hostaddr, port, dbname, "
                                + String.join(", ", new java.util.TreeSet<>(PROPERTY_NAMES.keySet())));
                    }
                    String value = pair.getValue();
                    if (keyword.equals("target_session_attrs")) {
                        value = switch (value) {
                            case "read-write" -> "primary";
                            case "any" -> "any";
                            default -> throw new IllegalArgumentException("libpq conninfo target_session_attrs '"
                                    + value + "' is not supported here (read-write or any)");
                        };
                    } else if (keyword.equals("keepalives")) {
                        value = "0".equals(value) ? "false" : "true";
                    }
                    properties.put(property, value);
                }
            }
        }
        return new LibpqConninfo(url.toString(), properties);
    }

    /** libpq's keyword = value syntax (white space around = allowed, quoted values). */
    private static Map<String, String> pairs(String text) {
        Map<String, String> pairs = new LinkedHashMap<>();
        int i = 0;
        int n = text.length();
        while (true) {
            while (i < n && Character.isWhitespace(text.charAt(i))) {
                i++;
            }
            if (i >= n) {
                return pairs;
            }
            int keyStart = i;
            while (i < n && text.charAt(i) != '=' && !Character.isWhitespace(text.charAt(i))) {
                i++;
            }
            String keyword = text.substring(keyStart, i);
            while (i < n && Character.isWhitespace(text.charAt(i))) {
                i++;
            }
            if (i >= n || text.charAt(i) != '=') {
                throw new IllegalArgumentException("libpq conninfo: missing \"=\" after \"" + keyword + "\"");
            }
            i++;
            while (i < n && Character.isWhitespace(text.charAt(i))) {
                i++;
            }
            StringBuilder value = new StringBuilder();
            if (i < n && text.charAt(i) == '\'') {
                i++;
                boolean terminated = false;
                while (i < n) {
                    char c = text.charAt(i++);
                    if (c == '\\' && i < n) {
                        value.append(text.charAt(i++));
                    } else if (c == '\'') {
                        terminated = true;
                        break;
                    } else {
                        value.append(c);
                    }
                }
                if (!terminated) {
                    throw new IllegalArgumentException("libpq conninfo: unterminated quoted value of \"" + keyword + "\"");
                }
            } else {
                while (i < n && !Character.isWhitespace(text.charAt(i))) {
                    char c = text.charAt(i++);
                    if (c == '\\' && i < n) {
                        value.append(text.charAt(i++));
                    } else {
                        value.append(c);
                    }
                }
            }
            pairs.put(keyword, value.toString());
        }
    }

    private static List<String> split(String list) {
        List<String> parts = new ArrayList<>();
        if (list.isEmpty()) {
            return parts;
        }
        for (String part : list.split(",", -1)) {
            parts.add(part.strip());
        }
        return parts;
    }

    private static String urlEncode(String dbname) {
        return java.net.URLEncoder.encode(dbname, java.nio.charset.StandardCharsets.UTF_8).replace("+", "%20");
    }

    /** The URL with a URI-form password ({@code postgresql://user:secret@host}) masked, for messages. */
    public String maskedUrl() {
        return url.replaceFirst("^(jdbc:postgresql://[^:/@]*:)[^@/]*@", "$1***@");
    }

    /** The URL and properties with any password masked, for logs. */
    @Override
    public String toString() {
        Map<String, String> shown = new LinkedHashMap<>(properties);
        shown.computeIfPresent("password", (k, v) -> "***");
        shown.computeIfPresent("sslpassword", (k, v) -> "***");
        return maskedUrl() + " " + shown;
    }
}
