package dev.gear.internal.server;

import java.util.ArrayList;
import java.util.List;

/**
 * The foreground clients waiting for one job, as {@link ServerJob} keeps them in a single field:
 * usually one client, which is then the {@link Peer} itself (no list, no extra object per job: a
 * server may hold millions of jobs), or a {@link Several} list when more submissions coalesced.
 * Loop thread only.
 */
sealed interface Waiters permits Peer, Waiters.Several {

    /** Two or more waiting clients; a connection that submitted twice is here twice. */
    final class Several implements Waiters {
        final List<Peer> peers = new ArrayList<>(2);

        Several(Peer first, Peer second) {
            peers.add(first);
            peers.add(second);
        }
    }
}
