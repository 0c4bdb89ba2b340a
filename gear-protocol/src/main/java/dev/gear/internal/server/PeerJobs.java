package dev.gear.internal.server;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;

/**
 * A connection's jobs (those it runs as a worker, or waits for as a client), a set in insertion
 * order. A worker usually runs one job and a client waits for a few, so up to {@link #SMALL}
 * jobs live in a plain array (adding and removing allocate nothing, a scan of a few references);
 * beyond that a {@link LinkedHashSet} takes over so removal stays O(1) however many there are.
 * Loop thread only.
 */
final class PeerJobs {
    static final int SMALL = 32;

    private ServerJob[] array = new ServerJob[2];
    private int size;
    private LinkedHashSet<ServerJob> set;

    void add(ServerJob job) {
        if (set != null) {
            set.add(job);
            return;
        }
        if (indexOf(job) >= 0) {
            return;
        }
        if (size == SMALL) {
            set = new LinkedHashSet<>(Arrays.asList(array).subList(0, size));
            set.add(job);
            array = null;
            size = 0;
            return;
        }
        if (size == array.length) {
            array = Arrays.copyOf(array, Math.min(SMALL, size * 2));
        }
        array[size++] = job;
    }

    void remove(ServerJob job) {
        if (set != null) {
            set.remove(job);
            return;
        }
        int i = indexOf(job);
        if (i >= 0) {
            System.arraycopy(array, i + 1, array, i, size - i - 1);
            array[--size] = null;
        }
    }

    private int indexOf(ServerJob job) {
        for (int i = 0; i < size; i++) {
            if (array[i] == job) {
                return i;
            }
        }
        return -1;
    }

    int size() {
        return set != null ? set.size() : size;
    }

    /** A copy, in insertion order, safe to iterate while the set changes. */
    List<ServerJob> toList() {
        return set != null ? new ArrayList<>(set) : new ArrayList<>(Arrays.asList(array).subList(0, size));
    }

    void clear() {
        set = null;
        array = new ServerJob[2];
        size = 0;
    }
}
