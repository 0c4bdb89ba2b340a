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
            // Tokens, not " :": an IPv6 peer ("::ffff:127.0.0.1") contains colons itself.
            String[] t = line.trim().split(" +");
            int colon = -1;
            for (int i = 3; i < t.length; i++) {
                if (t[i].equals(":")) {
                    colon = i;
                    break;
                }
            }
            if (colon < 0) {
                throw new InvalidDataException("workers line needs 'fd ip client-id : functions...', got: " + line);
            }
            String clientId = String.join(" ", Arrays.asList(t).subList(2, colon));
            List<String> functions = Arrays.asList(t).subList(colon + 1, t.length);
            out.add(new WorkerRow(parseInt(t[0], "fd", line), t[1], clientId, functions));
        }
        rows = List.copyOf(out);
    }

    public List<WorkerRow> rows() {
        lines();
        return rows;
    }
}
