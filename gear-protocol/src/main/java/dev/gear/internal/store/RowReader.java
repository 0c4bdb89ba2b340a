package dev.gear.internal.store;

import java.sql.ResultSet;
import java.sql.SQLException;

/** Turns one row of {@code SELECT unique_key, function_name, priority, data, when_to_run} into a job. */
final class RowReader {
    private RowReader() {
    }

    /**
     * @throws QueueStoreException when the row breaks gearmand's layout (null key, unknown priority)
     */
    static StoredJob job(ResultSet rows, String description) throws SQLException {
        byte[] key = rows.getBytes(1);
        byte[] function = rows.getBytes(2);
        int priority = rows.getInt(3);
        boolean priorityNull = rows.wasNull();
        byte[] data = rows.getBytes(4);
        long when = rows.getLong(5); // NULL (a table from before gearmand's epoch support) reads as 0 = now
        if (key == null || function == null) {
            throw new QueueStoreException(description + " holds a row with a NULL "
                    + (key == null ? "unique_key" : "function_name") + "; gearmand's layout keys rows by both");
        }
        if (priorityNull || priority < StoredJob.HIGH || priority > StoredJob.LOW) {
            throw new QueueStoreException(description + " holds a row (function " + new String(function, java.nio.charset.StandardCharsets.UTF_8)
                    + ", unique_key " + new String(key, java.nio.charset.StandardCharsets.UTF_8) + ") with priority "
                    + (priorityNull ? "NULL" : String.valueOf(priority)) + ", not 0 (HIGH), 1 (NORMAL) or 2 (LOW)");
        }
        return new StoredJob(key, function, priority, data == null ? new byte[0] : data, Math.max(0, when),
                StoredKeys.clientUniqueOf(key));
    }
}
