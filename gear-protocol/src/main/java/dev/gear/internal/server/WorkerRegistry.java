package dev.gear.internal.server;

import java.util.ArrayList;

/**
 * Which connection can do which function: CAN_DO, CAN_DO_TIMEOUT, CANT_DO, RESET_ABILITIES, and
 * the ACL's say on registering. A connection registering a function twice counts twice, as in
 * gearmand. Loop thread only.
 */
final class WorkerRegistry {
    private final ServerConfig config;
    private final FunctionTable functions;
    private final JobDispatch dispatch;
    private final ServerEvents events;

    WorkerRegistry(ServerConfig config, FunctionTable functions, JobDispatch dispatch, ServerEvents events) {
        this.config = config;
        this.functions = functions;
        this.dispatch = dispatch;
        this.events = events;
    }

    /** CAN_DO (timeout 0) or CAN_DO_TIMEOUT of {@code name}, unless the ACL refuses it. */
    void canDo(Peer worker, byte[] name, int timeoutMillis) {
        String key = Bytes.key(name);
        if (!config.permissions().canRegister(worker.subject, Bytes.display(key))) {
            events.aclDenied(worker, "register", Bytes.display(key), "CAN_DO ignored");
            return;
        }
        FunctionEntry f = functions.function(key);
        events.canDo(worker, f);
        if (worker.functions.merge(f, 1, Integer::sum) == 1) {
            worker.functionsChanged();
        }
        f.addWorker(worker);
        f.registrations++;
        if (timeoutMillis > 0) {
            worker.timeouts.put(f, timeoutMillis);
        } else {
            worker.timeouts.remove(f);
        }
        dispatch.wakeIfWork(worker); // a sleeping worker that learns a function with work waiting should not sleep on
    }

    void cantDo(Peer worker, byte[] name) {
        FunctionEntry f = functions.find(Bytes.key(name));
        if (f != null) {
            unregister(worker, f);
        }
    }

    /** RESET_ABILITIES, and what a closed connection gets. */
    void resetAbilities(Peer worker) {
        for (FunctionEntry f : new ArrayList<>(worker.functions.keySet())) {
            unregister(worker, f);
        }
    }

    private void unregister(Peer worker, FunctionEntry f) {
        Integer count = worker.functions.remove(f);
        if (count != null) {
            f.registrations -= count;
            f.removeWorker(worker);
            worker.functionsChanged();
            events.cantDo(worker, f);
        }
        worker.timeouts.remove(f);
    }
}
