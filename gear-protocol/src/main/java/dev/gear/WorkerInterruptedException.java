package dev.gear;

/**
 * A worker waiting for a job was told to stop waiting ({@code stopWaitingForJobs()} or shutdown). gear's {@code InterruptedError}.
 */
public class WorkerInterruptedException extends GearmanException {
    private static final long serialVersionUID = 1L;

    public WorkerInterruptedException(String message) {
        super(message);
    }

    public WorkerInterruptedException(String message, Throwable cause) {
        super(message, cause);
    }
}
