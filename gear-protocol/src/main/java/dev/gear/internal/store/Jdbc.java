package dev.gear.internal.store;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Properties;
import java.util.regex.Pattern;

/** What both JDBC stores share: loading the optional driver, and table names safe to put in SQL (also checked by the public configuration). */
public final class Jdbc {
    /** A plain SQL identifier, optionally schema-qualified; gearmand pastes the name into SQL as is. */
    private static final Pattern TABLE = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*(\\.[A-Za-z_][A-Za-z0-9_]*)?");

    private Jdbc() {
    }

    /**
     * The table name, checked.
     *
     * @throws IllegalArgumentException when it is not a plain SQL identifier
     */
    public static String checkTable(String table) {
        if (table == null || !TABLE.matcher(table).matches()) {
            throw new IllegalArgumentException("queue table name '" + table
                    + "' is not a plain SQL identifier (letters, digits and _, not starting with a digit,"
                    + " optionally schema.table)");
        }
        return table;
    }

    /**
     * Opens a connection through {@code driverClass}, which is an optional dependency.
     *
     * <p>The class is loaded by name first because {@code geard.jar} merges the drivers' jars and
     * keeps only one {@code META-INF/services/java.sql.Driver}, so {@link DriverManager}'s service
     * lookup alone would find only one of the two drivers there.
     *
     * @throws QueueStoreException when the driver is missing or the connection fails
     */
    static Connection connect(String driverClass, String artifact, String url, Properties properties,
                              String description) {
        try {
            Class.forName(driverClass);
        } catch (ClassNotFoundException | LinkageError notOnClassPath) {
            // Fall through: on the module path the driver registers through its service entry.
        }
        try {
            return DriverManager.getConnection(url, properties);
        } catch (SQLException e) {
            if ("08001".equals(e.getSQLState()) && e.getMessage() != null && e.getMessage().startsWith("No suitable driver")) {
                throw new QueueStoreException("Cannot open " + description + ": the JDBC driver " + artifact
                        + " is not on the class path (it is an optional dependency of gear-protocol; geard.jar bundles it)", e);
            }
            throw new QueueStoreException("Cannot open " + description + ": " + e.getMessage(), e);
        }
    }

    /** Rolls back after a failed transaction; a failure to do so is attached to {@code failure}. */
    static void rollbackQuietly(Connection connection, Exception failure) {
        try {
            connection.rollback();
        } catch (SQLException | RuntimeException e) {
            failure.addSuppressed(e);
        }
    }
}
