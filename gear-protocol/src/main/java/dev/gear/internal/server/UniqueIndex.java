package dev.gear.internal.server;

import java.util.Arrays;

/**
 * One function's queued and running jobs by unique key (the unique id, or the data for unique
 * {@code -}), for coalescing and GET_STATUS_UNIQUE. The key is the job's own bytes, so indexing a
 * job allocates nothing. Loop thread only.
 */
final class UniqueIndex extends JobIndex {
    @Override
    int hashOf(ServerJob job) {
        return hash(job.uniqueKey());
    }

    static int hash(byte[] key) {
        return spread(Arrays.hashCode(key));
    }

    /** The job whose unique key equals {@code key}, or null. */
    ServerJob get(byte[] key) {
        ServerJob[] table = slots();
        for (int i = home(hash(key)); ; i = next(i)) {
            ServerJob job = table[i];
            if (job == null || Arrays.equals(job.uniqueKey(), key)) {
                return job;
            }
        }
    }
}
