package dev.gear.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gear.GearmanException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** gear's {@code test_ACL*} scenarios (gear-api.md §7) and what gear leaves broken. */
class AclTest {
    @Test
    void gearTestAcl() {
        Acl acl = new Acl();
        acl.add(new AclEntry("worker", "foo.*", null, false));
        acl.add(new AclEntry("client", null, "foo.*", false));
        acl.add(new AclEntry("manager", null, null, true));
        assertThat(acl.getEntries()).hasSize(3);

        assertThat(acl.canRegister("worker", "foo-bar")).isTrue();
        assertThat(acl.canRegister("worker", "foo")).isTrue();
        assertThat(acl.canRegister("worker", "bar-foo")).isFalse();
        assertThat(acl.canRegister("worker", "bar")).isFalse();
        assertThat(acl.canInvoke("worker", "foo")).isFalse();
        assertThat(acl.canGrant("worker")).isFalse();

        assertThat(acl.canInvoke("client", "foo-bar")).isTrue();
        assertThat(acl.canInvoke("client", "foo")).isTrue();
        assertThat(acl.canInvoke("client", "bar-foo")).isFalse();
        assertThat(acl.canInvoke("client", "bar")).isFalse();
        assertThat(acl.canRegister("client", "foo")).isFalse();
        assertThat(acl.canGrant("client")).isFalse();

        assertThat(acl.canInvoke("manager", "bar")).isFalse();
        assertThat(acl.canRegister("manager", "foo")).isFalse();
        assertThat(acl.canGrant("manager")).isTrue();

        acl.remove("worker");
        acl.remove("client");
        acl.remove("manager");
        assertThat(acl.canRegister("worker", "foo")).isFalse();
        assertThat(acl.canInvoke("client", "foo")).isFalse();
        assertThat(acl.canGrant("manager")).isFalse();
        assertThat(acl.getEntries()).isEmpty();
        assertThat(acl.isEmpty()).isTrue();
    }

    @Test
    void gearTestAclRegister() {
        Acl acl = new Acl();
        acl.grantRegister("worker", "bar.*");
        assertThat(acl.canRegister("worker", "bar-baz")).isTrue();
        acl.revokeRegister("worker");
        assertThat(acl.canRegister("worker", "bar-baz")).isFalse();
        assertThat(acl.isEmpty()).as("an entry left empty is removed").isTrue();
    }

    @Test
    void gearTestAclInvoke() {
        Acl acl = new Acl();
        acl.grantInvoke("client", "bar.*");
        assertThat(acl.canInvoke("client", "bar-baz")).isTrue();
        acl.revokeInvoke("client");
        assertThat(acl.canInvoke("client", "bar-baz")).isFalse();
    }

    @Test
    void gearTestAclGrant() {
        Acl acl = new Acl();
        acl.grantGrant("manager");
        assertThat(acl.canGrant("manager")).isTrue();
        acl.revokeGrant("manager");
        assertThat(acl.canGrant("manager")).isFalse();
    }

    @Test
    void grantsAccumulateAndRevokeKeepsTheRest() {
        Acl acl = new Acl();
        acl.grantInvoke("both", "a");
        acl.grantRegister("both", "b");
        acl.grantGrant("both");
        assertThat(acl.getEntry("both")).contains(new AclEntry("both", "b", "a", true));
        acl.revokeInvoke("both");
        assertThat(acl.getEntry("both")).contains(new AclEntry("both", "b", null, true));
        acl.revokeAll("both");
        assertThat(acl.getEntry("both")).isEmpty();
        acl.revokeInvoke("nobody"); // unknown subject: nothing happens
    }

    @Test
    void entriesAreSortedBySubject() {
        Acl acl = new Acl();
        for (String s : List.of("zeta", "alpha", "mid")) {
            acl.grantGrant(s);
        }
        assertThat(acl.getEntries()).extracting(AclEntry::subject).containsExactly("alpha", "mid", "zeta");
    }

    @Test
    void duplicateAndUnknownSubjectsAreErrors() {
        Acl acl = new Acl();
        acl.add(AclEntry.of("x"));
        assertThatThrownBy(() -> acl.add(AclEntry.of("x"))).isInstanceOf(AclException.class)
                .isInstanceOf(GearmanException.class).hasMessage("An ACL entry for x already exists");
        assertThatThrownBy(() -> acl.remove("y")).isInstanceOf(AclException.class)
                .hasMessage("There is no ACL entry for y");
    }

    @Test
    void badRegexNamesTheRegexAndTheReason() {
        Acl acl = new Acl();
        assertThatThrownBy(() -> acl.grantInvoke("client", "foo("))
                .isInstanceOf(AclException.class)
                .hasMessageStartingWith("invalid invoke regex 'foo(' for subject client: Unclosed group");
        assertThat(acl.isEmpty()).as("a failed grant changes nothing").isTrue();
        assertThatThrownBy(() -> new AclEntry("w", "[", null, false))
                .hasMessageStartingWith("invalid register regex '[' for subject w: Unclosed character class");
    }

    @Test
    void unknownOrMissingSubjectIsDenied() {
        Acl acl = new Acl();
        assertThat(acl.canInvoke(null, "foo")).isFalse();
        assertThat(acl.canRegister("ghost", "foo")).isFalse();
        assertThat(acl.canGrant(null)).isFalse();
    }

    @Test
    void emptyEntryAndBlankRegexGrantNothing() {
        AclEntry entry = new AclEntry("s", "", "  ", false);
        assertThat(entry.isEmpty()).isTrue();
        assertThat(entry.canRegister("anything")).isFalse();
        assertThat(entry.canInvoke("")).isFalse();
        assertThat(new AclEntry("s", "$", null, false).canRegister("")).isTrue();
    }

    @Test
    void regexAnchoredAtStartOnly() {
        AclEntry entry = new AclEntry("s", "foo", "foo$", false);
        assertThat(entry.canRegister("foobar")).isTrue();
        assertThat(entry.canRegister("xfoo")).isFalse();
        assertThat(entry.canInvoke("foobar")).isFalse();
        assertThat(entry.canInvoke("foo")).isTrue();
    }

    /** Readers never see a half-applied change while writers grant and revoke. */
    @Test
    void concurrentChangesAndChecks() throws Exception {
        Acl acl = new Acl();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        CountDownLatch start = new CountDownLatch(1);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < 2; t++) {
                String subject = "s" + t;
                futures.add(pool.submit(() -> {
                    start.await();
                    for (int i = 0; i < 5_000; i++) {
                        acl.grantInvoke(subject, "f.*");
                        acl.grantRegister(subject, "g.*");
                        acl.revokeInvoke(subject);
                        acl.revokeRegister(subject);
                    }
                    return null;
                }));
            }
            for (int t = 0; t < 2; t++) {
                futures.add(pool.submit(() -> {
                    start.await();
                    for (int i = 0; i < 5_000; i++) {
                        for (AclEntry e : acl.getEntries()) {
                            assertThat(e.isEmpty()).isFalse();
                        }
                        acl.canInvoke("s0", "foo");
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> f : futures) {
                f.get(60, TimeUnit.SECONDS);
            }
            assertThat(acl.isEmpty()).isTrue();
        } finally {
            pool.shutdownNow();
        }
    }
}
