package dev.gear;

import java.util.List;

/** {@code show unique jobs}: one line per job with its unique id (empty for jobs without one). */
public final class ShowUniqueJobsAdminRequest extends AdminRequest {
    public ShowUniqueJobsAdminRequest() {
        super("show unique jobs");
    }

    @Override
    protected boolean isMultiLine() {
        return true;
    }

    /** The unique ids, one per job. */
    public List<String> uniques() {
        return lines();
    }
}
