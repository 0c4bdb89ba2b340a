package dev.gear.internal.server;

import java.util.Arrays;
import java.util.Comparator;

/**
 * Every job on the server by its handle. A handle is the submitting peer's prefix
 * ({@code H:<ip>:} or the configured one, shared by all its jobs) plus the job's number, unique on
 * the server; the table is keyed by that number, and a lookup parses it from the end of the handle
 * bytes, then checks the prefix. Loop thread only.
 */
final class JobTable extends JobIndex {
    /** Longest handle number we parse; ours fit in a long with room to spare. */
    private static final int MAX_DIGITS = 18;

    /**
     * The number, spread. Not the number itself: live jobs form a dense window of numbers, which
     * identity hashing would lay out as one long run of occupied slots, and backward-shift
     * deletion scans to the end of the run, so a FIFO drain would cost O(queue depth) per job.
     */
    @Override
    int hashOf(ServerJob job) {
        return hash(job.number);
    }

    private static int hash(long number) {
        return spread(number);
    }

    /** The job whose handle is {@code bytes[from, to)}, or null. */
    ServerJob find(byte[] bytes, int from, int to) {
        int colon = to - 1;
        while (colon >= from && bytes[colon] != ':') {
            colon--;
        }
        int digits = to - colon - 1;
        if (colon < from || digits == 0 || digits > MAX_DIGITS || bytes[colon + 1] == '0') {
            return null; // we never write a leading zero, so "H:x:07" is not job 7
        }
        long number = 0;
        for (int i = colon + 1; i < to; i++) {
            int d = bytes[i] - '0';
            if (d < 0 || d > 9) {
                return null;
            }
            number = number * 10 + d;
        }
        ServerJob[] table = slots();
        for (int i = home(hash(number)); ; i = next(i)) {
            ServerJob job = table[i];
            if (job == null) {
                return null;
            }
            if (job.number == number) {
                return Arrays.equals(job.handlePrefix, 0, job.handlePrefix.length, bytes, from, colon + 1) ? job : null;
            }
        }
    }

    ServerJob find(byte[] handle) {
        return find(handle, 0, handle.length);
    }

    /** Every job, oldest (lowest handle number, i.e. first created) first: admin and snapshot order. */
    ServerJob[] oldestFirst() {
        ServerJob[] all = toArray();
        Arrays.sort(all, Comparator.comparingLong(j -> j.number));
        return all;
    }
}
