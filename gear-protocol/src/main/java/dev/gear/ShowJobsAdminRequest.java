package dev.gear;

import java.util.ArrayList;
import java.util.List;

/** {@code show jobs}: every job the server holds, queued or running (gearmand; geard lacks it). */
public final class ShowJobsAdminRequest extends AdminRequest {
    private volatile List<JobRow> rows;

    public ShowJobsAdminRequest() {
        super("show jobs");
    }

    @Override
    protected boolean isMultiLine() {
        return true;
    }

    @Override
    protected void parse(List<String> lines) {
        List<JobRow> out = new ArrayList<>(lines.size());
        for (String line : lines) {
            String[] f = line.split("\t", -1);
            if (f.length != 4) {
                throw new InvalidDataException("show jobs line needs 4 tab-separated fields, has " + f.length + ": " + line);
            }
            out.add(new JobRow(f[0], parseInt(f[1], "retries", line), parseInt(f[2], "ignored", line) != 0,
                    parseInt(f[3], "background", line) != 0));
        }
        rows = List.copyOf(out);
    }

    public List<JobRow> rows() {
        lines();
        return rows;
    }
}
