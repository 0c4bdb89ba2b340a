package dev.gear;

import java.util.List;

/**
 * One line of the {@code workers} admin reply ({@code FD IP CLIENT-ID : F1 F2…}); every connection
 * is listed, clients and the asking admin connection included.
 *
 * @param fd        the server's file descriptor (or connection number) for it
 * @param ip        the peer address
 * @param clientId  the id from SET_CLIENT_ID, {@code -} when none was set
 * @param functions registered functions, in the server's order
 */
public record WorkerRow(int fd, String ip, String clientId, List<String> functions) {
    public WorkerRow {
        functions = List.copyOf(functions);
    }
}
