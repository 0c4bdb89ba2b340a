package dev.gear.internal.store;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Properties;
import java.util.Set;

/**
 * The queue in an SQLite file, in gearmand's {@code libsqlite3} layout, so that gearmand and geard
 * can each read the other's file:
 * <pre>CREATE TABLE gearman_queue (unique_key TEXT, function_name TEXT, priority INTEGER, data BLOB,
 *     when_to_run INTEGER, PRIMARY KEY (unique_key, function_name))</pre>
 *
 * <p>Durability: {@code journal_mode=WAL} with {@code synchronous=FULL}, so a commit returns only
 * after its WAL frames are fsync'd. Order: gearmand's table has no sequence column, so FIFO order
 * within a priority is the implicit {@code rowid} order, which grows with every insert (SQLite
 * gives a new row the largest rowid + 1) - for gearmand's rows as for ours.
 *
 * <p>Unique and function name are bound as {@code CAST(? AS TEXT)} of their bytes: the column holds
 * exactly the bytes the client sent (as gearmand's {@code sqlite3_bind_text} does, and gearmand's
 * replay refuses rows whose key is not of type TEXT), never a re-encoded string.
 */
public final class SqliteQueueStore implements QueueStore {
    /** gearmand's {@code --libsqlite3-table} default. */
    public static final String DEFAULT_TABLE = "gearman_queue";

    private static final String[] COLUMNS = {"unique_key", "function_name", "priority", "data", "when_to_run"};

    private final Path file;
    private final String table;
    private final String description;
    private final Connection connection;
    private final PreparedStatement insert;
    private final PreparedStatement delete;
    private final Statement control;
    private boolean closed;

    private SqliteQueueStore(Path file, String table, Connection connection) throws SQLException {
        this.file = file;
        this.table = table;
        this.description = "sqlite " + file + " table " + table;
        this.connection = connection;
        this.insert = connection.prepareStatement("INSERT OR REPLACE INTO " + table
                + " (priority, unique_key, function_name, data, when_to_run)"
                + " VALUES (?, CAST(? AS TEXT), CAST(? AS TEXT), ?, ?)");
        this.delete = connection.prepareStatement("DELETE FROM " + table
                + " WHERE unique_key = CAST(? AS TEXT) AND function_name = CAST(? AS TEXT)");
        this.control = connection.createStatement();
    }

    /**
     * Opens (creating when absent) the file and the table, in WAL mode with {@code synchronous=FULL}.
     *
     * @throws IllegalArgumentException when {@code table} is not a plain SQL identifier
     * @throws QueueStoreException      when the file cannot be opened, or its table lacks gearmand's columns
     */
    public static SqliteQueueStore open(Path file, String table) {
        Jdbc.checkTable(table);
        String what = "sqlite queue store " + file + " (table " + table + ")";
        Connection connection;
        try {
            connection = Jdbc.connect("org.sqlite.JDBC", "org.xerial:sqlite-jdbc",
                    "jdbc:sqlite:" + file.toAbsolutePath(), new Properties(), what);
        } catch (QueueStoreException e) {
            String hint = readOnlyHint(file);
            if (hint.isEmpty()) {
                throw e;
            }
            throw new QueueStoreException(e.getMessage() + hint, e.getCause());
        }
        try {
            try (Statement statement = connection.createStatement()) {
                // busy_timeout: a gearmand or sqlite3 shell briefly holding the file is waited for, not an error.
                statement.execute("PRAGMA busy_timeout = 10000");
                try (ResultSet mode = statement.executeQuery("PRAGMA journal_mode = WAL")) {
                    String journal = mode.next() ? mode.getString(1) : "";
                    if (!"wal".equalsIgnoreCase(journal)) {
                        throw new QueueStoreException("Cannot open " + what + ": journal_mode WAL was refused (it is '"
                                + journal + "'), so durable group commit is not possible here");
                    }
                }
                statement.execute("PRAGMA synchronous = FULL");
                ensureTable(connection, statement, table, what);
            }
            return new SqliteQueueStore(file, table, connection);
        } catch (SQLException | RuntimeException e) {
            try {
                connection.close();
            } catch (SQLException closing) {
                e.addSuppressed(closing);
            }
            if (e instanceof QueueStoreException q) {
                throw q;
            }
            throw new QueueStoreException("Cannot open " + what + ": " + e.getMessage() + readOnlyHint(file), e);
        }
    }

    /** SQLite says only "unable to open database file" when the file system is read-only: say so. */
    private static String readOnlyHint(Path file) {
        Path absolute = file.toAbsolutePath();
        Path directory = absolute.getParent();
        if (java.nio.file.Files.exists(absolute) && !java.nio.file.Files.isWritable(absolute)) {
            return " (the file is read-only)";
        }
        if (directory != null && java.nio.file.Files.isDirectory(directory) && !java.nio.file.Files.isWritable(directory)) {
            return " (its directory is read-only; WAL mode needs to create queue files next to it)";
        }
        return "";
    }

    private static void ensureTable(Connection connection, Statement statement, String table, String what)
            throws SQLException {
        boolean exists;
        try (PreparedStatement query = connection.prepareStatement(
                "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?")) {
            query.setString(1, table);
            try (ResultSet rows = query.executeQuery()) {
                exists = rows.next();
            }
        }
        if (!exists) {
            // gearmand's statement, column for column, so gearmand finds the table it would have made.
            statement.execute("CREATE TABLE " + table + " (unique_key TEXT, function_name TEXT, priority INTEGER,"
                    + " data BLOB, when_to_run INTEGER, PRIMARY KEY (unique_key, function_name))");
            return;
        }
        Set<String> present = new HashSet<>();
        try (ResultSet columns = statement.executeQuery("PRAGMA table_info(" + table + ")")) {
            while (columns.next()) {
                present.add(columns.getString("name").toLowerCase(java.util.Locale.ROOT));
            }
        }
        List<String> missing = new ArrayList<>();
        for (String column : COLUMNS) {
            if (!present.contains(column)) {
                missing.add(column);
            }
        }
        if (!missing.isEmpty()) {
            throw new QueueStoreException("Cannot open " + what + ": the table lacks column(s) "
                    + String.join(", ", missing) + " of gearmand's layout (unique_key, function_name, priority, data,"
                    + " when_to_run)");
        }
    }

    @Override
    public List<StoredJob> loadAll() {
        checkOpen();
        // One scan in rowid order (no sort of a million rows), split by priority into three lists.
        List<List<StoredJob>> byPriority = List.of(new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
        try (Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("SELECT unique_key, function_name, priority, data, when_to_run FROM "
                     + table + " ORDER BY rowid")) {
            while (rows.next()) {
                StoredJob job = RowReader.job(rows, description);
                byPriority.get(job.priority()).add(job);
            }
        } catch (SQLException e) {
            throw new QueueStoreException("Cannot load the jobs of " + description + ": " + e.getMessage(), e);
        }
        List<StoredJob> all = new ArrayList<>(byPriority.get(0).size() + byPriority.get(1).size() + byPriority.get(2).size());
        byPriority.forEach(all::addAll);
        return all;
    }

    @Override
    public void commit(List<StoreChange> changes) {
        checkOpen();
        if (changes.isEmpty()) {
            return;
        }
        try {
            control.execute("BEGIN IMMEDIATE");
            for (StoreChange change : changes) {
                StoredJob job = change.job();
                if (change instanceof StoreChange.Add) {
                    insert.setInt(1, job.priority());
                    insert.setBytes(2, job.uniqueKey());
                    insert.setBytes(3, job.functionName());
                    insert.setBytes(4, job.data());
                    insert.setLong(5, job.whenToRun());
                    insert.executeUpdate();
                } else {
                    delete.setBytes(1, job.uniqueKey());
                    delete.setBytes(2, job.functionName());
                    delete.executeUpdate();
                }
            }
            control.execute("COMMIT");
        } catch (SQLException e) {
            rollback(e);
            throw new QueueStoreException("Cannot commit " + changes.size() + " change(s) to " + description + ": "
                    + e.getMessage(), e);
        }
    }

    /**
     * Ends the failed transaction. SQLite itself rolls back on some errors (a full disk, an I/O
     * error), and then ROLLBACK says no transaction is active; either way none is open afterwards.
     * Transactions are explicit BEGIN/COMMIT statements on an auto-commit connection because
     * the driver's own transaction tracking goes wrong after such an automatic rollback (it would
     * then run the next batch outside any transaction).
     */
    private void rollback(SQLException failure) {
        try {
            control.execute("ROLLBACK");
        } catch (SQLException e) {
            if (e.getMessage() == null || !e.getMessage().contains("no transaction is active")) {
                failure.addSuppressed(e);
            }
        }
    }

    @Override
    public String description() {
        return description;
    }

    /** The database file. */
    public Path file() {
        return file;
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException(description + " is closed");
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            insert.close();
            delete.close();
            control.close();
            connection.close();
        } catch (SQLException e) {
            throw new QueueStoreException("Cannot close " + description + ": " + e.getMessage(), e);
        }
    }
}
