package dev.gear.internal.store;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The queue in a PostgreSQL table, in gearmand's {@code Postgres} queue layout:
 * <pre>CREATE TABLE queue (unique_key VARCHAR(64), function_name VARCHAR(255), priority INTEGER,
 *     data BYTEA, when_to_run INTEGER, UNIQUE (unique_key, function_name))</pre>
 * plus one column of ours, {@code gear_seq BIGSERIAL}, because PostgreSQL keeps no insertion order
 * (there is no rowid; {@code ctid} moves when space is reused). gearmand names its columns in
 * every INSERT and SELECT, so it reads and writes the table as before, and its inserts get a
 * {@code gear_seq} from the column default like ours. The column is added to an existing table
 * when the role may; otherwise rows load in {@code ctid} order within a priority, with a warning.
 *
 * <p>Durability: {@code synchronous_commit = on} for the session, so a commit returns once the
 * server has flushed its WAL record. A lost connection is reopened on the next commit.
 */
public final class PostgresQueueStore implements QueueStore {
    /** gearmand's {@code --libpq-table} default. */
    public static final String DEFAULT_TABLE = "queue";
    /** gearmand's {@code GEARMAN_UNIQUE_SIZE}: the {@code unique_key} column is VARCHAR(64). */
    static final int MAX_UNIQUE = 64;
    /** The {@code function_name} column is VARCHAR(255). */
    static final int MAX_FUNCTION = 255;
    /** Our ordering column. */
    static final String SEQUENCE_COLUMN = "gear_seq";

    private static final Logger LOG = LoggerFactory.getLogger(PostgresQueueStore.class);
    private static final String[] COLUMNS = {"unique_key", "function_name", "priority", "data", "when_to_run"};

    private final LibpqConninfo conninfo;
    private final String table;
    private final String description;
    private final boolean ordered;
    private Connection connection;
    private PreparedStatement insert;
    private PreparedStatement delete;
    private boolean closed;

    private PostgresQueueStore(LibpqConninfo conninfo, String table, Connection connection, boolean ordered)
            throws SQLException {
        this.conninfo = conninfo;
        this.table = table;
        this.description = "postgres " + conninfo.maskedUrl() + " table " + table;
        this.ordered = ordered;
        prepare(connection);
    }

    /**
     * Connects, creates the table in gearmand's layout when absent and adds {@code gear_seq}.
     *
     * @param conninfo a libpq connection string, as gearmand's {@code --libpq-conninfo}
     * @throws IllegalArgumentException when {@code conninfo} or {@code table} is malformed
     * @throws QueueStoreException      when the server is unreachable or the table lacks gearmand's columns
     */
    public static PostgresQueueStore open(String conninfo, String table) {
        Jdbc.checkTable(table);
        LibpqConninfo parsed = LibpqConninfo.parse(conninfo);
        String what = "postgres queue store " + parsed.maskedUrl() + " (table " + table + ")";
        Connection connection = connect(parsed, what);
        try {
            boolean ordered = ensureTable(connection, table, what);
            return new PostgresQueueStore(parsed, table, connection, ordered);
        } catch (SQLException | RuntimeException e) {
            try {
                connection.close();
            } catch (SQLException closing) {
                e.addSuppressed(closing);
            }
            if (e instanceof QueueStoreException q) {
                throw q;
            }
            throw new QueueStoreException("Cannot open " + what + ": " + e.getMessage(), e);
        }
    }

    private static Connection connect(LibpqConninfo parsed, String what) {
        Connection connection = Jdbc.connect("org.postgresql.Driver", "org.postgresql:postgresql",
                parsed.url(), parsed.toProperties(), what);
        try (Statement statement = connection.createStatement()) {
            statement.execute("SET synchronous_commit = on");
            return connection;
        } catch (SQLException e) {
            try {
                connection.close();
            } catch (SQLException closing) {
                e.addSuppressed(closing);
            }
            throw new QueueStoreException("Cannot open " + what + ": " + e.getMessage(), e);
        }
    }

    /** Creates or checks the table; true when it has {@code gear_seq}. */
    private static boolean ensureTable(Connection connection, String table, String what) throws SQLException {
        connection.setAutoCommit(true);
        try (Statement statement = connection.createStatement()) {
            boolean exists;
            try (PreparedStatement query = connection.prepareStatement("SELECT to_regclass(?) IS NOT NULL")) {
                query.setString(1, table);
                try (ResultSet rows = query.executeQuery()) {
                    exists = rows.next() && rows.getBoolean(1);
                }
            }
            if (!exists) {
                // gearmand's statement (GEARMAN_UNIQUE_SIZE is 64), then our ordering column.
                statement.execute("CREATE TABLE IF NOT EXISTS " + table + " (unique_key VARCHAR(" + MAX_UNIQUE
                        + "), function_name VARCHAR(" + MAX_FUNCTION + "), priority INTEGER, data BYTEA,"
                        + " when_to_run INTEGER, UNIQUE (unique_key, function_name))");
            }
            Set<String> present = new HashSet<>();
            try (ResultSet rows = statement.executeQuery("SELECT * FROM " + table + " WHERE false")) {
                ResultSetMetaData meta = rows.getMetaData();
                for (int i = 1; i <= meta.getColumnCount(); i++) {
                    present.add(meta.getColumnName(i).toLowerCase(Locale.ROOT));
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
                        + String.join(", ", missing) + " of gearmand's layout (unique_key, function_name, priority,"
                        + " data, when_to_run)");
            }
            if (present.contains(SEQUENCE_COLUMN)) {
                return true;
            }
            try {
                statement.execute("ALTER TABLE " + table + " ADD COLUMN IF NOT EXISTS " + SEQUENCE_COLUMN + " BIGSERIAL");
                LOG.info("{}: added column {} (insertion order; gearmand ignores it)", what, SEQUENCE_COLUMN);
                return true;
            } catch (SQLException e) {
                LOG.warn("{}: cannot add column {} ({}); jobs of one priority load in ctid order, which is"
                        + " insertion order only until PostgreSQL reuses freed space", what, SEQUENCE_COLUMN, e.getMessage());
                return false;
            }
        } finally {
            connection.setAutoCommit(false);
        }
    }

    private void prepare(Connection fresh) throws SQLException {
        fresh.setAutoCommit(false);
        this.connection = fresh;
        this.insert = fresh.prepareStatement("INSERT INTO " + table
                + " (priority, unique_key, function_name, data, when_to_run) VALUES (?, ?, ?, ?, ?)"
                + " ON CONFLICT (unique_key, function_name) DO UPDATE SET priority = EXCLUDED.priority,"
                + " data = EXCLUDED.data, when_to_run = EXCLUDED.when_to_run");
        this.delete = fresh.prepareStatement("DELETE FROM " + table + " WHERE unique_key = ? AND function_name = ?");
    }

    @Override
    public void check(StoredJob job) {
        checkText(job.uniqueKey(), "unique", MAX_UNIQUE, job);
        checkText(job.functionName(), "function name", MAX_FUNCTION, job);
        if (job.whenToRun() > Integer.MAX_VALUE) {
            throw new QueueStoreException(description + " cannot store when_to_run " + job.whenToRun()
                    + " of " + job + ": gearmand's column is INTEGER (epoch seconds up to 2038-01-19)");
        }
    }

    private void checkText(byte[] bytes, String what, int maxChars, StoredJob job) {
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new QueueStoreException(description + " cannot store the " + what + " of " + job
                    + ": it is not UTF-8 text (PostgreSQL's VARCHAR columns hold text only)");
        }
        if (text.indexOf('\0') >= 0) {
            throw new QueueStoreException(description + " cannot store the " + what + " of " + job
                    + ": it contains a NUL character, which PostgreSQL text cannot hold");
        }
        if (text.codePointCount(0, text.length()) > maxChars) {
            throw new QueueStoreException(description + " cannot store the " + what + " of " + job
                    + ": it is longer than the column's " + maxChars + " characters");
        }
    }

    @Override
    public List<StoredJob> loadAll() {
        checkOpen();
        List<StoredJob> all = new ArrayList<>();
        try {
            ensureConnection();
            try (Statement statement = connection.createStatement()) {
                statement.setFetchSize(10_000); // stream through a cursor instead of holding a million rows twice
                try (ResultSet rows = statement.executeQuery("SELECT unique_key, function_name, priority, data, when_to_run"
                        + " FROM " + table + " ORDER BY priority, " + (ordered ? SEQUENCE_COLUMN : "ctid"))) {
                    while (rows.next()) {
                        all.add(RowReader.job(rows, description));
                    }
                }
            }
            connection.commit();
            return all;
        } catch (SQLException e) {
            failed(e);
            throw new QueueStoreException("Cannot load the jobs of " + description + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void commit(List<StoreChange> changes) {
        checkOpen();
        if (changes.isEmpty()) {
            return;
        }
        try {
            ensureConnection();
            // Runs of adds and of removes go as JDBC batches (pipelined); a run ends where the kind changes, so order holds.
            PreparedStatement pending = null;
            for (StoreChange change : changes) {
                StoredJob job = change.job();
                PreparedStatement statement = change instanceof StoreChange.Add ? insert : delete;
                if (pending != null && pending != statement) {
                    pending.executeBatch();
                }
                pending = statement;
                if (statement == insert) {
                    insert.setInt(1, job.priority());
                    insert.setString(2, new String(job.uniqueKey(), StandardCharsets.UTF_8));
                    insert.setString(3, new String(job.functionName(), StandardCharsets.UTF_8));
                    insert.setBytes(4, job.data());
                    insert.setInt(5, Math.toIntExact(job.whenToRun()));
                } else {
                    delete.setString(1, new String(job.uniqueKey(), StandardCharsets.UTF_8));
                    delete.setString(2, new String(job.functionName(), StandardCharsets.UTF_8));
                }
                statement.addBatch();
            }
            pending.executeBatch();
            connection.commit();
        } catch (SQLException | ArithmeticException e) {
            failed(e);
            String reason = e instanceof SQLException sql && sql.getNextException() != null
                    ? e.getMessage() + " (" + sql.getNextException().getMessage() + ")" : e.getMessage();
            throw new QueueStoreException("Cannot commit " + changes.size() + " change(s) to " + description + ": "
                    + reason, e);
        }
    }

    /** Rolls back; when the connection itself is gone, drops it so that the next call reconnects. */
    private void failed(Exception e) {
        if (connection == null) {
            return;
        }
        Jdbc.rollbackQuietly(connection, e);
        boolean valid;
        try {
            valid = connection.isValid(2);
        } catch (SQLException notValid) {
            valid = false;
        }
        if (!valid) {
            closeConnection(e);
        }
    }

    private void ensureConnection() throws SQLException {
        if (connection == null) {
            prepare(connect(conninfo, description));
            LOG.info("{}: reconnected", description);
        }
    }

    private void closeConnection(Exception reason) {
        try {
            connection.close();
        } catch (SQLException e) {
            reason.addSuppressed(e);
        }
        connection = null;
        insert = null;
        delete = null;
    }

    @Override
    public String description() {
        return description;
    }

    /** Whether rows load in {@code gear_seq} order (false: the column could not be added; {@code ctid} order). */
    public boolean keepsInsertionOrder() {
        return ordered;
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
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException e) {
                throw new QueueStoreException("Cannot close " + description + ": " + e.getMessage(), e);
            }
        }
    }
}
