package dev.gear;

import java.util.List;

/** {@code version}: the server's version ({@code OK 1.1.20+ds} from gearmand). */
public final class VersionAdminRequest extends AdminRequest {
    private volatile String version;

    public VersionAdminRequest() {
        super("version");
    }

    @Override
    protected boolean isMultiLine() {
        return false;
    }

    @Override
    protected void parse(List<String> lines) {
        String line = lines.get(0);
        version = line.startsWith("OK ") ? line.substring(3).trim() : line.trim();
    }

    /** The version text, without the {@code OK } prefix. */
    public String version() {
        lines();
        return version;
    }
}
