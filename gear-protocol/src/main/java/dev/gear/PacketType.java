package dev.gear;

/**
 * The 42 numbered Gearman packet types, with the argument layout the decoder is driven by.
 *
 * <p>Each type has {@link #argumentCount()} leading arguments. When {@link #hasData()} is true,
 * each of them ends in a NUL and an unterminated data tail follows (it may contain NULs). When it
 * is false, the last argument is unterminated and takes the rest of the body. A parser must be
 * driven by this table, never by splitting on NUL (see {@code protocol.md} §3).
 */
public enum PacketType {
    CAN_DO(1, 1, false, true),
    CANT_DO(2, 1, false, true),
    RESET_ABILITIES(3, 0, false, true),
    PRE_SLEEP(4, 0, false, true),
    /** Number 5 is reserved and never valid; servers answer it with ERROR INVALID_COMMAND. */
    UNUSED(5, 0, false, false),
    NOOP(6, 0, false, false),
    SUBMIT_JOB(7, 2, true, true),
    JOB_CREATED(8, 1, false, false),
    GRAB_JOB(9, 0, false, true),
    NO_JOB(10, 0, false, false),
    JOB_ASSIGN(11, 2, true, false),
    WORK_STATUS(12, 3, false, true),
    WORK_COMPLETE(13, 1, true, true),
    WORK_FAIL(14, 1, false, true),
    GET_STATUS(15, 1, false, true),
    ECHO_REQ(16, 0, true, true),
    ECHO_RES(17, 0, true, false),
    SUBMIT_JOB_BG(18, 2, true, true),
    ERROR(19, 2, false, false),
    STATUS_RES(20, 5, false, false),
    SUBMIT_JOB_HIGH(21, 2, true, true),
    SET_CLIENT_ID(22, 1, false, true),
    CAN_DO_TIMEOUT(23, 2, false, true),
    /** Never implemented by any server; gearmand answers ERROR INVALID_COMMAND. */
    ALL_YOURS(24, 0, false, false),
    WORK_EXCEPTION(25, 1, true, true),
    OPTION_REQ(26, 1, false, true),
    OPTION_RES(27, 1, false, false),
    WORK_DATA(28, 1, true, true),
    WORK_WARNING(29, 1, true, true),
    GRAB_JOB_UNIQ(30, 0, false, true),
    JOB_ASSIGN_UNIQ(31, 3, true, false),
    SUBMIT_JOB_HIGH_BG(32, 2, true, true),
    SUBMIT_JOB_LOW(33, 2, true, true),
    SUBMIT_JOB_LOW_BG(34, 2, true, true),
    /** Cron-style submission, never implemented by gearmand (ERROR INVALID_COMMAND). */
    SUBMIT_JOB_SCHED(35, 7, true, false),
    SUBMIT_JOB_EPOCH(36, 3, true, true),
    SUBMIT_REDUCE_JOB(37, 4, true, true),
    SUBMIT_REDUCE_JOB_BACKGROUND(38, 4, true, true),
    GRAB_JOB_ALL(39, 0, false, true),
    JOB_ASSIGN_ALL(40, 4, true, false),
    GET_STATUS_UNIQUE(41, 1, false, true),
    STATUS_RES_UNIQUE(42, 6, false, false);

    /** The highest valid type number. */
    public static final int MAX_CODE = 42;

    private static final PacketType[] BY_CODE = new PacketType[MAX_CODE + 1];

    static {
        for (PacketType t : values()) {
            BY_CODE[t.code] = t;
        }
    }

    private final int code;
    private final int argumentCount;
    private final boolean hasData;
    private final boolean acceptedByServer;

    PacketType(int code, int argumentCount, boolean hasData, boolean acceptedByServer) {
        this.code = code;
        this.argumentCount = argumentCount;
        this.hasData = hasData;
        this.acceptedByServer = acceptedByServer;
    }

    /** The number carried in the packet header. */
    public int code() {
        return code;
    }

    /** Leading arguments (NUL-terminated when {@link #hasData()}, else the last one is the tail). */
    public int argumentCount() {
        return argumentCount;
    }

    /** Whether an unterminated data tail follows the leading arguments. */
    public boolean hasData() {
        return hasData;
    }

    /**
     * Whether a server implements this type as a request. False for server-to-client types and for
     * the numbers no server implements (5, ALL_YOURS, SUBMIT_JOB_SCHED).
     */
    public boolean isAcceptedByServer() {
        return acceptedByServer;
    }

    /** Total number of fields in the body: the leading arguments plus the data tail, if any. */
    public int fieldCount() {
        return argumentCount + (hasData ? 1 : 0);
    }

    /** The NULs a well-formed body must contain at least. */
    public int requiredSeparators() {
        return hasData ? argumentCount : Math.max(0, argumentCount - 1);
    }

    /** Whether this is one of the SUBMIT_* types a server creates jobs for. */
    public boolean isSubmit() {
        return switch (this) {
            case SUBMIT_JOB, SUBMIT_JOB_BG, SUBMIT_JOB_HIGH, SUBMIT_JOB_HIGH_BG, SUBMIT_JOB_LOW, SUBMIT_JOB_LOW_BG,
                    SUBMIT_JOB_SCHED, SUBMIT_JOB_EPOCH, SUBMIT_REDUCE_JOB, SUBMIT_REDUCE_JOB_BACKGROUND -> true;
            default -> false;
        };
    }

    /** The type with header number {@code code}, or {@code null} when no such type exists. */
    public static PacketType fromCode(long code) {
        if (code < 1 || code > MAX_CODE) {
            return null;
        }
        return BY_CODE[(int) code];
    }
}
