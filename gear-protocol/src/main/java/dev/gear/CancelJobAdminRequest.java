package dev.gear;

import java.util.List;
import java.util.Objects;

/**
 * {@code cancel job <handle>}. The reply is {@code OK}; an unknown handle is answered
 * {@code ERR UNKNOWN_JOB}, which {@link Connection#sendAdminRequest} throws as a
 * {@link GearmanErrorException}.
 */
public final class CancelJobAdminRequest extends AdminRequest {
    private final String handle;

    public CancelJobAdminRequest(String handle) {
        super("cancel job " + requireHandle(handle));
        this.handle = handle;
    }

    private static String requireHandle(String handle) {
        Objects.requireNonNull(handle, "handle");
        if (handle.isBlank() || handle.indexOf(' ') >= 0) {
            throw new InvalidDataException("a job handle must be one non-empty word: '" + handle + "'");
        }
        return handle;
    }

    public String handle() {
        return handle;
    }

    @Override
    protected boolean isMultiLine() {
        return false;
    }

    @Override
    protected void parse(List<String> lines) {
        if (!lines.get(0).startsWith("OK")) {
            throw new InvalidDataException("cancel job expected OK, got: " + lines.get(0));
        }
    }
}
