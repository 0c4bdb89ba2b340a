package dev.gear.internal.client;

import dev.gear.ConnectionException;
import dev.gear.GearmanException;
import dev.gear.PacketType;
import dev.gear.internal.transport.EventLoop;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the handlers of one worker's functions: on its executor or on the I/O thread, counting how
 * many run so the worker grabs no more than {@code maxConcurrentJobs}, and making sure every job a
 * handler got ends: a handler that throws ends its job with WORK_EXCEPTION, one that returns
 * without ending it with WORK_FAIL, each with a warning, so no client waits forever for a job the
 * worker has forgotten.
 */
final class JobDispatcher {
    private static final Logger LOG = LoggerFactory.getLogger(JobDispatcher.class);

    private final EventLoop loop;
    private final HandlerSettings settings;
    private final String threadPrefix;
    /** Handler jobs started and not finished; I/O thread only. */
    private int running;
    /** The pool made for a worker without an executor of its own; I/O thread creates it. */
    private volatile ExecutorService ownPool;
    private volatile boolean shutDown;
    private final Runnable finishedOnLoop;

    /** {@code afterJob} runs on the I/O thread each time a handler job finishes (to grab again). */
    JobDispatcher(EventLoop loop, HandlerSettings settings, String threadPrefix, Runnable afterJob) {
        this.loop = loop;
        this.settings = settings;
        this.threadPrefix = threadPrefix;
        this.finishedOnLoop = () -> {
            running--;
            afterJob.run();
        };
    }

    /** How many more handler jobs may be grabbed now. I/O thread. */
    int freeSlots() {
        assert loop.inLoop();
        return Math.max(0, settings.maxConcurrentJobs() - running);
    }

    /** Starts {@code handler} on {@code job}. I/O thread; the caller grabs again afterwards. */
    void dispatch(AssignedJob job, AssignedJobHandler handler) {
        assert loop.inLoop();
        if (settings.onIoThread()) {
            run(job, handler);
            return;
        }
        running++;
        try {
            executor().execute(() -> {
                try {
                    run(job, handler);
                } finally {
                    loop.execute(finishedOnLoop);
                }
            });
        } catch (RejectedExecutionException e) {
            running--;
            if (shutDown) {
                // The worker is closing its connections: the server requeues the job then.
                LOG.debug("worker shutting down: job {} left for the server to requeue", job.handleString());
                return;
            }
            LOG.error("the handler executor refused job {} of {} ({}): sending WORK_FAIL", job.handleString(),
                    job.nameString(), e.toString());
            endQuietly(job, PacketType.WORK_FAIL);
        }
    }

    private Executor executor() {
        if (settings.executor() != null) {
            return settings.executor();
        }
        ExecutorService pool = ownPool;
        if (pool == null) {
            pool = newPool();
            ownPool = pool;
            if (shutDown) { // shut down while the pool was being made
                pool.shutdown();
            }
        }
        return pool;
    }

    private ExecutorService newPool() {
        AtomicInteger count = new AtomicInteger();
        ThreadFactory threads = task -> {
            Thread t = new Thread(task, threadPrefix + "-handler-" + count.incrementAndGet());
            t.setDaemon(true); // as the I/O thread: an unclosed worker does not keep the JVM alive
            return t;
        };
        int n = settings.maxConcurrentJobs();
        ThreadPoolExecutor pool = new ThreadPoolExecutor(n, n, 60, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
                threads);
        pool.allowCoreThreadTimeOut(true); // an idle worker holds no handler threads
        return pool;
    }

    /** Runs the handler and ends the job if the handler did not. Any thread. */
    private static void run(AssignedJob job, AssignedJobHandler handler) {
        try {
            handler.handle(job);
        } catch (ConnectionException e) {
            LOG.warn("handler of {} could not answer job {}: {} (the server requeues or fails the job)",
                    job.nameString(), job.handleString(), e.getMessage());
            return;
        } catch (Exception | Error e) {
            if (job.isEnded()) {
                LOG.warn("handler of {} threw after ending job {}", job.nameString(), job.handleString(), e);
            } else {
                LOG.warn("handler of {} threw on job {}: sending WORK_EXCEPTION", job.nameString(),
                        job.handleString(), e);
                endQuietly(job, PacketType.WORK_EXCEPTION, String.valueOf(e).getBytes(StandardCharsets.UTF_8));
            }
            return;
        }
        if (!job.isEnded()) {
            LOG.warn("handler of {} returned without ending job {} (sendWorkComplete, sendWorkFail or "
                    + "sendWorkException): sending WORK_FAIL", job.nameString(), job.handleString());
            endQuietly(job, PacketType.WORK_FAIL);
        }
    }

    private static void endQuietly(AssignedJob job, PacketType type, byte[]... fields) {
        try {
            job.send(type, fields);
        } catch (GearmanException e) {
            LOG.warn("could not send {} for job {}: {} (the server requeues or fails the job)", type,
                    job.handleString(), e.getMessage());
        }
    }

    /** Lets running handlers finish; starts no new ones. Any thread. */
    void shutdown() {
        shutDown = true;
        ExecutorService pool = ownPool;
        if (pool != null) {
            pool.shutdown();
        }
    }
}
