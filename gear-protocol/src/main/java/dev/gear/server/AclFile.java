package dev.gear.server;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Reads gear's ACL file ({@code geard --acl}): an INI file with one section per certificate
 * common name and the keys {@code register=<regex>}, {@code invoke=<regex>} and
 * {@code grant=<boolean>} (1/yes/true/on or 0/no/false/off):
 *
 * <pre>
 * [my_worker]
 * register=.*
 *
 * [my_client]
 * invoke=.*
 *
 * [my_node_manager]
 * grant=True
 * </pre>
 *
 * <p>As with Python's {@code RawConfigParser}: {@code key: value} works too, keys are case-insensitive,
 * values are trimmed, whole-line comments start with {@code #} or {@code ;}, a {@code [DEFAULT]}
 * section applies to every subject, and a duplicate section or key is an error.
 *
 * <p>Deliberately unlike geard, which treats a missing or unreadable file as an empty ACL (and so
 * silently denies everything): here that is an {@link AclException} naming the path. Unknown keys,
 * indented continuation lines and malformed lines are errors with the line number too, since a
 * typo in an ACL otherwise shows up only as mysterious denials.
 */
public final class AclFile {
    private static final Set<String> KEYS = Set.of("register", "invoke", "grant");
    private static final String DEFAULT_SECTION = "DEFAULT";

    private AclFile() {
    }

    /**
     * Reads {@code path} into a new {@link Acl}.
     *
     * @throws AclException if the file is missing, unreadable or malformed, or a regex is invalid
     */
    public static Acl read(Path path) {
        String text;
        try {
            text = Files.readString(path, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new AclException("cannot read the ACL file " + path + ": " + e, e);
        }
        return parse(text, path.toString());
    }

    /**
     * Parses ACL file text; {@code source} names it in error messages.
     *
     * @throws AclException if the text is malformed or a regex is invalid
     */
    public static Acl parse(String text, String source) {
        Map<String, Map<String, Value>> sections = new LinkedHashMap<>();
        Map<String, Value> current = null;
        String currentName = null;
        String[] lines = text.split("\r?\n", -1);
        for (int i = 0; i < lines.length; i++) {
            int number = i + 1;
            String raw = lines[i];
            String line = raw.strip();
            if (line.isEmpty() || line.startsWith("#") || line.startsWith(";")) {
                continue;
            }
            if (Character.isWhitespace(raw.charAt(0))) {
                throw error(source, number, "indented line (a continuation of the previous value) is not supported");
            }
            if (line.startsWith("[")) {
                if (!line.endsWith("]") || line.length() < 3) {
                    throw error(source, number, "malformed section header " + line);
                }
                currentName = line.substring(1, line.length() - 1);
                if (sections.containsKey(currentName)) {
                    throw error(source, number, "duplicate section [" + currentName + "]");
                }
                current = new LinkedHashMap<>();
                sections.put(currentName, current);
                continue;
            }
            int eq = line.indexOf('=');
            int colon = line.indexOf(':');
            int split = eq < 0 ? colon : colon < 0 ? eq : Math.min(eq, colon);
            if (split <= 0) {
                throw error(source, number, "expected key=value or [subject], got: " + line);
            }
            if (current == null) {
                throw error(source, number, "key outside any [subject] section: " + line);
            }
            String key = line.substring(0, split).strip().toLowerCase(Locale.ROOT);
            String value = line.substring(split + 1).strip();
            if (!KEYS.contains(key)) {
                throw error(source, number, "unknown key '" + key + "' in [" + currentName
                        + "] (expected register, invoke or grant)");
            }
            if (current.putIfAbsent(key, new Value(value, number)) != null) {
                throw error(source, number, "duplicate key '" + key + "' in [" + currentName + "]");
            }
        }
        Map<String, Value> defaults = sections.getOrDefault(DEFAULT_SECTION, Map.of());
        Acl acl = new Acl();
        for (Map.Entry<String, Map<String, Value>> section : sections.entrySet()) {
            if (section.getKey().equals(DEFAULT_SECTION)) {
                continue;
            }
            Map<String, Value> values = new LinkedHashMap<>(defaults);
            values.putAll(section.getValue());
            String subject = section.getKey();
            Value grant = values.get("grant");
            boolean canGrant = grant != null && bool(source, grant);
            try {
                acl.add(new AclEntry(subject, text(values.get("register")), text(values.get("invoke")),
                        canGrant));
            } catch (AclException e) {
                throw new AclException(source + ": [" + subject + "]: " + e.getMessage(), e);
            }
        }
        return acl;
    }

    private static String text(Value value) {
        return value == null ? null : value.text;
    }

    private static boolean bool(String source, Value value) {
        return switch (value.text.toLowerCase(Locale.ROOT)) {
            case "1", "yes", "true", "on" -> true;
            case "0", "no", "false", "off" -> false;
            default -> throw error(source, value.line,
                    "grant must be a boolean (1/yes/true/on or 0/no/false/off), got '" + value.text + "'");
        };
    }

    private static AclException error(String source, int line, String message) {
        return new AclException(source + ":" + line + ": " + message);
    }

    private static final class Value {
        final String text;
        final int line;

        Value(String text, int line) {
            this.text = text;
            this.line = line;
        }
    }
}
