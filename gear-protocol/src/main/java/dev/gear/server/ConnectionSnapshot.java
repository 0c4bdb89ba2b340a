package dev.gear.server;

import java.net.InetSocketAddress;
import java.util.List;

/**
 * One connection to the server: a client, a worker, an admin session, or several at once.
 *
 * @param id               the connection's number, shown as the first column of {@code workers}
 * @param remoteAddress    the peer's address
 * @param clientId         what the peer sent in SET_CLIENT_ID, or {@code null}
 * @param subject          the authenticated identity (TLS client certificate CN), {@code null} for plain TCP
 * @param functions        the functions it registered, in registration order
 * @param sleeping         whether it sent PRE_SLEEP and has not been woken yet
 * @param runningJobs      handles of the jobs it is running as a worker
 * @param exceptionsOption whether it sent {@code OPTION_REQ exceptions}
 */
public record ConnectionSnapshot(long id, InetSocketAddress remoteAddress, String clientId, String subject,
        List<String> functions, boolean sleeping, List<String> runningJobs, boolean exceptionsOption) {
    public ConnectionSnapshot {
        functions = List.copyOf(functions);
        runningJobs = List.copyOf(runningJobs);
    }
}
