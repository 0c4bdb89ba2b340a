package dev.gear;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** {@code workers}: every connection with its client id and registered functions. */
public final class WorkersAdminRequest extends AdminRequest {
    private volatile List<WorkerRow> rows;

    public WorkersAdminRequest() {
        super("workers");
    }

    @Override
    protected boolean isMultiLine() {
        return true;
    }

    @Override
    protected void parse(List<String> lines) {
        List<WorkerRow> out = new ArrayList<>(lines.size());
        for (String line : lines) {
            int colon = line.indexOf(" :");
            if (colon < 0) {
                throw new InvalidDataException("workers line lacks ' :': " + line);
            }
            String[] head = line.substring(0, colon).trim().split(" +", 3);
            if (head.length != 3) {
                throw new InvalidDataException("workers line needs 'fd ip client-id :', got: " + line);
            }
            String tail = line.substring(colon + 2).trim();
            List<String> functions = tail.isEmpty() ? List.of() : Arrays.asList(tail.split(" +"));
            out.add(new WorkerRow(parseInt(head[0], "fd", line), head[1], head[2], functions));
        }
        rows = List.copyOf(out);
    }

    public List<WorkerRow> rows() {
        lines();
        return rows;
    }
}
