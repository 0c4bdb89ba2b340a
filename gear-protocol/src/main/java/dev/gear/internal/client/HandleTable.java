package dev.gear.internal.client;

import dev.gear.Packet;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;

/**
 * The client's state for one open server connection: its foreground jobs by handle, kept by the
 * connection's {@link ServerLink}. Almost every handle belongs to one job, stored as it is; only
 * coalesced submissions (same unique, same handle, on this connection) need the shared stream of
 * a {@link SharedHandle}. I/O thread only.
 */
final class HandleTable {
    /** Handles held by one job: the usual case, one lookup and no allocation per job. */
    private final HashMap<String, JobProgress> single = new HashMap<>();
    /** Handles several jobs hold (coalesced submissions). */
    private final HashMap<String, SharedHandle> shared = new HashMap<>();

    void add(String key, JobProgress job) {
        SharedHandle coalesced = shared.get(key);
        if (coalesced != null) {
            coalesced.add(job);
            return;
        }
        JobProgress first = single.putIfAbsent(key, job);
        if (first == null) {
            return;
        }
        // The first job has had every packet so far: both start at the same point.
        single.remove(key);
        SharedHandle handle = new SharedHandle();
        handle.add(first);
        handle.add(job);
        shared.put(key, handle);
    }

    /** The job a WORK_* packet is for (null for none); forgets the handle once all its jobs ended. */
    JobProgress route(String key, Packet packet, boolean ends) {
        JobProgress one = ends ? single.remove(key) : single.get(key);
        if (one != null) {
            return one;
        }
        SharedHandle coalesced = shared.get(key);
        if (coalesced == null) {
            return null;
        }
        Slot slot = coalesced.next(packet);
        if (ends) {
            slot.ended = true;
            if (coalesced.allEnded()) {
                shared.remove(key);
            }
        }
        return slot.job;
    }

    /** Every job that has not ended, for a lost connection. */
    List<JobProgress> unfinished() {
        List<JobProgress> out = new ArrayList<>(single.values());
        for (SharedHandle coalesced : shared.values()) {
            for (Slot slot : coalesced.slots) {
                if (!slot.ended) {
                    out.add(slot.job);
                }
            }
        }
        return out;
    }

    /**
     * The jobs of one connection that hold one handle. gearmand coalesces submissions with the
     * same unique into one job and sends every WORK_* packet once per submission, so a connection
     * that submitted twice receives each packet twice, in either order (D D C C or D C D C). The
     * packets are kept as one stream and each job has a cursor into it: a packet that is the next
     * one a lagging job expects is that job's copy; any other packet is new and goes to the first
     * job that is up to date. Every Job thus gets the whole stream and its own end (gear gives
     * everything to the last one).
     */
    private static final class SharedHandle {
        final List<Slot> slots = new ArrayList<>(2);
        /** The packets from index {@code total - stream.size()} on; kept only while jobs share the handle. */
        final ArrayDeque<Packet> stream = new ArrayDeque<>();
        long total;

        void add(JobProgress job) {
            Slot slot = new Slot(job);
            slot.cursor = total; // a late joiner gets only what is still to come
            slots.add(slot);
        }

        Slot next(Packet packet) {
            long first = total - stream.size();
            for (Slot s : slots) {
                if (!s.ended && s.cursor < total && s.cursor >= first && get(s.cursor - first).equals(packet)) {
                    s.cursor++;
                    trim();
                    return s;
                }
            }
            Slot target = null;
            for (Slot s : slots) {
                if (!s.ended && s.cursor == total) {
                    target = s;
                    break;
                }
            }
            if (target == null) { // every job lags: the server skipped a copy; keep going with the first
                for (Slot s : slots) {
                    if (!s.ended) {
                        target = s;
                        break;
                    }
                }
                target.cursor = total;
            }
            total++;
            target.cursor = total;
            if (slots.size() > 1) {
                stream.addLast(packet);
            }
            trim();
            return target;
        }

        private Packet get(long index) {
            Iterator<Packet> it = stream.iterator();
            for (long i = 0; i < index; i++) {
                it.next();
            }
            return it.next();
        }

        /** Drops packets every live job has seen. */
        private void trim() {
            long min = total;
            for (Slot s : slots) {
                if (!s.ended) {
                    min = Math.min(min, s.cursor);
                }
            }
            while (!stream.isEmpty() && total - stream.size() < min) {
                stream.pollFirst();
            }
        }

        boolean allEnded() {
            for (Slot s : slots) {
                if (!s.ended) {
                    return false;
                }
            }
            return true;
        }
    }

    private static final class Slot {
        final JobProgress job;
        long cursor;
        boolean ended;

        Slot(JobProgress job) {
            this.job = job;
        }
    }
}
