package dev.gear;

import java.util.ArrayList;
import java.util.List;

/** {@code status}: per function, jobs queued plus running, running, and workers. */
public final class StatusAdminRequest extends AdminRequest {
    private volatile List<StatusRow> rows;

    public StatusAdminRequest() {
        super("status");
    }

    @Override
    protected boolean isMultiLine() {
        return true;
    }

    @Override
    protected void parse(List<String> lines) {
        List<StatusRow> out = new ArrayList<>(lines.size());
        for (String line : lines) {
            String[] f = line.split("\t", -1);
            if (f.length != 4) {
                throw new InvalidDataException("status line needs 4 tab-separated fields, has " + f.length + ": " + line);
            }
            out.add(new StatusRow(f[0], parseInt(f[1], "total", line), parseInt(f[2], "running", line),
                    parseInt(f[3], "workers", line)));
        }
        rows = List.copyOf(out);
    }

    /** The parsed lines, in the server's order (which no caller should depend on). */
    public List<StatusRow> rows() {
        lines();
        return rows;
    }
}
