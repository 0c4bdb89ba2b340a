package dev.gear.internal.client;

import dev.gear.GearmanException;
import dev.gear.GearmanTimeoutException;
import dev.gear.internal.transport.EventLoop;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/** Blocking waits on futures for the public synchronous API, with exceptions unwrapped. */
public final class Await {
    /**
     * Extra time a blocking caller waits beyond the I/O thread's own timer, which normally fails
     * the future first; the guard only matters if the I/O thread is gone.
     */
    private static final Duration GUARD = Duration.ofSeconds(2);

    private Await() {
    }

    /**
     * Waits for {@code future}, whose own timer fires after {@code timeout}. Gearman exceptions
     * from the future are rethrown as they are; a thread interrupt becomes a GearmanException with
     * the interrupt flag restored.
     */
    public static <T> T result(CompletableFuture<T> future, Duration timeout, String what) {
        return result(future, timeout, () -> what);
    }

    /** As above, with the description built only when it is needed (a failure). */
    public static <T> T result(CompletableFuture<T> future, Duration timeout, Supplier<String> describe) {
        if (!future.isDone()) {
            refuseOnIoThread(describe);
        }
        try {
            return future.get(timeout.plus(GUARD).toNanos(), TimeUnit.NANOSECONDS);
        } catch (ExecutionException | CompletionException e) {
            throw unwrap(e.getCause(), describe.get());
        } catch (TimeoutException e) {
            GearmanTimeoutException t = new GearmanTimeoutException(describe.get() + " timed out after " + timeout.toMillis() + " ms");
            future.completeExceptionally(t);
            throw t;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new GearmanException(describe.get() + " was interrupted", e);
        }
    }

    /**
     * Refuses a blocking wait on an I/O thread of the library (in a job handler run there, a
     * completion callback, a listener): the answer it would wait for can only be delivered by an
     * I/O thread, maybe this very one, so it would stall or wait until its timeout. Blocking calls
     * that send something check this before they send, so a refused call has no effect, and is
     * refused every time, not only when its answer happens to be late.
     */
    public static void refuseOnIoThread(Supplier<String> describe) {
        if (EventLoop.onAnyLoopThread()) {
            throw new IllegalStateException(describe.get() + " would block the gear I/O thread "
                    + Thread.currentThread().getName() + ", which must not wait: use the asynchronous variant "
                    + "(submitJobAsync, Job.completion(), ...) or run this code on another thread");
        }
    }

    /** The Gearman exception {@code cause} is, or one wrapping it. */
    public static RuntimeException unwrap(Throwable cause, String what) {
        if (cause instanceof CompletionException && cause.getCause() != null) {
            cause = cause.getCause();
        }
        if (cause instanceof RuntimeException runtime) {
            return runtime;
        }
        return new GearmanException(what + " failed: " + cause, cause);
    }
}
