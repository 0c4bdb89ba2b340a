package dev.gear.server;

/**
 * Who receives a worker's {@code WORK_EXCEPTION}.
 *
 * <p>gear forwards it to every client as is; gearmand forwards it only to clients that sent
 * {@code OPTION_REQ exceptions} and sends the others {@code WORK_FAIL}. Either way the job ends.
 */
public enum ExceptionForwarding {
    /** Every client gets the WORK_EXCEPTION packet (gear's behaviour, the default). */
    ALL_CLIENTS,
    /**
     * Only clients that sent {@code OPTION_REQ exceptions} get WORK_EXCEPTION; the others get
     * {@code WORK_FAIL} (gearmand's behaviour; gearmand's stray trailing NUL is not copied).
     */
    OPTED_IN_CLIENTS
}
