package dev.gear;

/**
 * Job priority. gear's {@code PRECEDENCE_NORMAL}, {@code PRECEDENCE_LOW} and
 * {@code PRECEDENCE_HIGH}; servers hand out HIGH before NORMAL before LOW, FIFO within each.
 */
public enum Precedence {
    NORMAL(PacketType.SUBMIT_JOB, PacketType.SUBMIT_JOB_BG),
    LOW(PacketType.SUBMIT_JOB_LOW, PacketType.SUBMIT_JOB_LOW_BG),
    HIGH(PacketType.SUBMIT_JOB_HIGH, PacketType.SUBMIT_JOB_HIGH_BG);

    private final PacketType foreground;
    private final PacketType background;

    Precedence(PacketType foreground, PacketType background) {
        this.foreground = foreground;
        this.background = background;
    }

    /** The SUBMIT_* packet type that submits a job with this precedence. */
    public PacketType submitType(boolean backgroundJob) {
        return backgroundJob ? background : foreground;
    }
}
