package dev.gear.internal.store;

import static dev.gear.internal.store.Jobs.job;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GroupCommitWriterTest {
    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    /** A real SQLite store whose first commit waits for the test, so what arrives meanwhile is known. */
    private static final class GatedStore implements QueueStore {
        final QueueStore real;
        final CountDownLatch firstCommitEntered = new CountDownLatch(1);
        final CountDownLatch releaseFirstCommit = new CountDownLatch(1);
        final List<Integer> transactionSizes = new ArrayList<>();
        final AtomicInteger failNext = new AtomicInteger();

        GatedStore(QueueStore real) {
            this.real = real;
        }

        @Override
        public List<StoredJob> loadAll() {
            return real.loadAll();
        }

        @Override
        public void commit(List<StoreChange> changes) {
            if (firstCommitEntered.getCount() > 0) {
                firstCommitEntered.countDown();
                try {
                    if (!releaseFirstCommit.await(30, TimeUnit.SECONDS)) {
                        throw new IllegalStateException("test never released the first commit");
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException(e);
                }
            }
            synchronized (transactionSizes) {
                transactionSizes.add(changes.size());
            }
            if (failNext.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                throw new QueueStoreException("simulated commit failure of " + changes.size() + " change(s)");
            }
            real.commit(changes);
        }

        @Override
        public String description() {
            return real.description();
        }

        @Override
        public void close() {
            real.close();
        }
    }

    @Test
    void rowsArrivingDuringACommitGoInTheNextTransactionTogether() throws Exception {
        GatedStore store = new GatedStore(SqliteQueueStore.open(dir.resolve("q.db"), "gearman_queue"));
        try (GroupCommitWriter writer = new GroupCommitWriter(store, "test-writer")) {
            CompletableFuture<Void> first = writer.add(List.of(job("fn", "first", 1, "", 0)));
            assertThat(store.firstCommitEntered.await(30, TimeUnit.SECONDS)).isTrue();
            List<CompletableFuture<Void>> later = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                int thread = t;
                List<CompletableFuture<Void>> mine = new ArrayList<>();
                Thread submitter = new Thread(() -> {
                    for (int i = 0; i < 250; i++) {
                        mine.add(writer.add(List.of(job("fn", "t" + thread + "-" + i, 1, "d", 0))));
                    }
                });
                submitter.start();
                submitter.join(WAIT.toMillis());
                later.addAll(mine);
            }
            assertThat(later).noneMatch(CompletableFuture::isDone);
            store.releaseFirstCommit.countDown();
            first.get(30, TimeUnit.SECONDS);
            CompletableFuture.allOf(later.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
            assertThat(store.transactionSizes).containsExactly(1, 1_000);
            assertThat(writer.commits()).isEqualTo(2);
            assertThat(writer.rowsCommitted()).isEqualTo(1_001);
            assertThat(store.loadAll()).hasSize(1_001);
        }
    }

    @Test
    void aGroupIsCappedButOneCallIsNeverSplit() throws Exception {
        GatedStore store = new GatedStore(SqliteQueueStore.open(dir.resolve("q.db"), "gearman_queue"));
        try (GroupCommitWriter writer = new GroupCommitWriter(store, "test-writer", 10)) {
            CompletableFuture<Void> first = writer.add(List.of(job("fn", "first", 1, "", 0)));
            assertThat(store.firstCommitEntered.await(30, TimeUnit.SECONDS)).isTrue();
            List<CompletableFuture<Void>> later = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                List<StoredJob> six = new ArrayList<>();
                for (int j = 0; j < 6; j++) {
                    six.add(job("fn", i + "-" + j, 1, "", 0));
                }
                later.add(writer.add(six));
            }
            store.releaseFirstCommit.countDown();
            first.get(30, TimeUnit.SECONDS);
            CompletableFuture.allOf(later.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
            assertThat(store.transactionSizes).containsExactly(1, 6, 6, 6, 6);
        }
    }

    @Test
    void aFailedTransactionFailsEveryCallerInItAndTheWriterGoesOn() throws Exception {
        GatedStore store = new GatedStore(SqliteQueueStore.open(dir.resolve("q.db"), "gearman_queue"));
        try (GroupCommitWriter writer = new GroupCommitWriter(store, "test-writer")) {
            CompletableFuture<Void> first = writer.add(List.of(job("fn", "kept", 1, "", 0)));
            assertThat(store.firstCommitEntered.await(30, TimeUnit.SECONDS)).isTrue();
            CompletableFuture<Void> a = writer.add(List.of(job("fn", "a", 1, "", 0)));
            CompletableFuture<Void> b = writer.add(List.of(job("fn", "b", 1, "", 0)));
            store.failNext.set(1); // the first commit (already entered) takes it: it fails, a and b succeed
            store.releaseFirstCommit.countDown();
            assertThatThrownBy(() -> first.get(30, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class)
                    .cause().isInstanceOf(QueueStoreException.class)
                    .hasMessage("simulated commit failure of 1 change(s)");
            a.get(30, TimeUnit.SECONDS);
            b.get(30, TimeUnit.SECONDS);
            assertThat(writer.failedCommits()).isEqualTo(1);
            assertThat(writer.commits()).isEqualTo(1);
            assertThat(store.loadAll()).containsExactly(job("fn", "a", 1, "", 0), job("fn", "b", 1, "", 0));
        }
    }

    @Test
    void removalsAndAddsKeepTheirOrderInOneGroup() throws Exception {
        GatedStore store = new GatedStore(SqliteQueueStore.open(dir.resolve("q.db"), "gearman_queue"));
        try (GroupCommitWriter writer = new GroupCommitWriter(store, "test-writer")) {
            StoredJob job = job("fn", "u", 1, "", 0);
            CompletableFuture<Void> first = writer.add(List.of(job));
            assertThat(store.firstCommitEntered.await(30, TimeUnit.SECONDS)).isTrue();
            CompletableFuture<Void> removed = writer.remove(List.of(job));
            StoredJob readded = job("fn", "u", 1, "second life", 0);
            CompletableFuture<Void> added = writer.add(List.of(readded));
            store.releaseFirstCommit.countDown();
            CompletableFuture.allOf(first, removed, added).get(30, TimeUnit.SECONDS);
            assertThat(store.transactionSizes).containsExactly(1, 2);
            assertThat(store.loadAll()).containsExactly(readded);
        }
    }

    @Test
    void aClosedWriterRefusesWithAMessageAndHasWrittenEverythingBefore() throws Exception {
        Path file = dir.resolve("q.db");
        GroupCommitWriter writer = new GroupCommitWriter(SqliteQueueStore.open(file, "gearman_queue"), "test-writer");
        List<CompletableFuture<Void>> futures = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            futures.add(writer.add(List.of(job("fn", "u" + i, 1, "", 0))));
        }
        writer.close();
        assertThat(futures).allMatch(f -> f.isDone() && !f.isCompletedExceptionally());
        CompletableFuture<Void> late = writer.add(List.of(job("fn", "late", 1, "", 0)));
        assertThatThrownBy(late::join).cause().isInstanceOf(QueueStoreException.class)
                .hasMessage("The queue store writer of sqlite " + file + " table gearman_queue is closed; 1 change(s) not stored");
        try (SqliteQueueStore reopened = SqliteQueueStore.open(file, "gearman_queue")) {
            assertThat(reopened.loadAll()).hasSize(100);
        }
    }

    @Test
    void manyThreadsEndInFewerTransactionsThanRows() throws Exception {
        try (GroupCommitWriter writer = new GroupCommitWriter(SqliteQueueStore.open(dir.resolve("q.db"), "gearman_queue"),
                "test-writer")) {
            List<CompletableFuture<Void>> futures = java.util.Collections.synchronizedList(new ArrayList<>());
            List<Thread> threads = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                int thread = t;
                Thread submitter = new Thread(() -> {
                    for (int i = 0; i < 500; i++) {
                        futures.add(writer.add(List.of(job("fn", thread + ":" + i, 1, "", 0))));
                    }
                });
                threads.add(submitter);
                submitter.start();
            }
            for (Thread thread : threads) {
                thread.join(WAIT.toMillis());
            }
            CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
            assertThat(writer.rowsCommitted()).isEqualTo(4_000);
            // Each fsync'd commit takes far longer than queueing a row, so rows pile up behind it.
            assertThat(writer.commits()).isLessThan(4_000);
            assertThat(writer.store().loadAll()).hasSize(4_000);
        }
    }
}
