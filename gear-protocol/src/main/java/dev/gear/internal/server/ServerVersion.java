package dev.gear.internal.server;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** This library's version, as the build wrote it into {@code gear-version.properties}. */
public final class ServerVersion {
    private static final String RESOURCE = "/dev/gear/server/gear-version.properties";

    private ServerVersion() {
    }

    /** The version, or {@code unknown} when the resource is missing or was not filtered by the build. */
    public static String read() {
        try (InputStream in = ServerVersion.class.getResourceAsStream(RESOURCE)) {
            if (in != null) {
                Properties p = new Properties();
                p.load(in);
                String v = p.getProperty("version");
                if (v != null && !v.startsWith("${")) {
                    return v;
                }
            }
        } catch (IOException e) {
            // no version then: the admin command reports "unknown"
        }
        return "unknown";
    }
}
