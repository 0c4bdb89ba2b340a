package dev.gear.internal.server;

import java.util.Arrays;

/**
 * An open-addressing hash set of jobs (linear probing, backward-shift deletion), keyed by
 * something each job already holds. It stores one reference per slot and nothing per entry, so an
 * indexed job costs 4 to 8 bytes of table (compressed references, load kept between 3/8 and 3/4)
 * instead of a map node, a boxed or String key and a table slot (about 50 to 120 bytes with
 * {@code HashMap}). Loop thread only.
 */
abstract class JobIndex {
    private static final int MIN_CAPACITY = 16;

    private ServerJob[] slots = new ServerJob[MIN_CAPACITY];
    private int size;

    /**
     * The hash of a job's key, already well spread in its low bits (the table uses them as they
     * are); lookups must pass the same value to {@link #home}.
     */
    abstract int hashOf(ServerJob job);

    final int size() {
        return size;
    }

    /** Mixes a hash so that sequential or similar keys spread over the table. */
    static int spread(long h) {
        h *= 0x9E3779B97F4A7C15L;
        return (int) (h ^ (h >>> 32));
    }

    /** First slot to probe for {@code hash}. */
    final int home(int hash) {
        return hash & (slots.length - 1);
    }

    final ServerJob[] slots() {
        return slots;
    }

    final int next(int slot) {
        return (slot + 1) & (slots.length - 1);
    }

    /** Adds a job that is not in the index yet. */
    final void add(ServerJob job) {
        if (size + 1 > slots.length - (slots.length >>> 2)) {
            resize(slots.length * 2);
        }
        insert(slots, job, hashOf(job));
        size++;
    }

    private void insert(ServerJob[] table, ServerJob job, int hash) {
        int mask = table.length - 1;
        int i = hash & mask;
        while (table[i] != null) {
            i = (i + 1) & mask;
        }
        table[i] = job;
    }

    /** Removes {@code job} (by identity); false when it was not here. */
    final boolean remove(ServerJob job) {
        ServerJob[] table = slots;
        int mask = table.length - 1;
        int i = hashOf(job) & mask;
        ServerJob at;
        while ((at = table[i]) != job) {
            if (at == null) {
                return false;
            }
            i = (i + 1) & mask;
        }
        // Backward shift: move later members of the probe run into the hole, so lookups never
        // need tombstones and the table never fills with deleted markers.
        int hole = i;
        int j = i;
        while (true) {
            j = (j + 1) & mask;
            ServerJob candidate = table[j];
            if (candidate == null) {
                break;
            }
            int want = hashOf(candidate) & mask;
            // Move it if its home is not cyclically within (hole, j].
            if (hole <= j ? (want <= hole || want > j) : (want <= hole && want > j)) {
                table[hole] = candidate;
                hole = j;
            }
        }
        table[hole] = null;
        size--;
        if (slots.length > MIN_CAPACITY && size < slots.length >>> 3) {
            resize(slots.length / 2);
        }
        return true;
    }

    private void resize(int capacity) {
        ServerJob[] old = slots;
        ServerJob[] table = new ServerJob[capacity];
        for (ServerJob job : old) {
            if (job != null) {
                insert(table, job, hashOf(job));
            }
        }
        slots = table;
    }

    /** Every job, in no particular order. */
    final ServerJob[] toArray() {
        ServerJob[] out = new ServerJob[size];
        int n = 0;
        for (ServerJob job : slots) {
            if (job != null) {
                out[n++] = job;
            }
        }
        return n == size ? out : Arrays.copyOf(out, n);
    }

    /** The longest run of occupied slots: what a removal may scan; for tests of the hash. */
    final int longestRun() {
        int longest = 0;
        int run = 0;
        for (int i = 0; i < slots.length * 2; i++) { // twice round, for a run that wraps
            run = slots[i & (slots.length - 1)] == null ? 0 : run + 1;
            longest = Math.max(longest, Math.min(run, size));
        }
        return longest;
    }

    /** Table length, for tests of growth and shrinking. */
    final int capacity() {
        return slots.length;
    }
}
