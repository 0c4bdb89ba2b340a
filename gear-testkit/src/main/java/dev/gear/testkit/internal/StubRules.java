package dev.gear.testkit.internal;

import dev.gear.testkit.StubResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * The rules of one stubbed function: conditional rules in the order they were added, then the
 * default rule. Each rule answers with a sequence of responses (the last one repeats), which is
 * how retry scenarios are scripted. Thread-safe: tests change rules while the stub worker reads.
 */
public final class StubRules {
    private final String function;
    private final List<Rule> conditional = new ArrayList<>();
    private Rule fallback;

    public StubRules(String function) {
        this.function = function;
    }

    public String function() {
        return function;
    }

    public synchronized void setDefault(List<StubResponse> sequence) {
        fallback = new Rule(payload -> true, sequence);
    }

    public synchronized void addConditional(Predicate<byte[]> when, List<StubResponse> sequence) {
        conditional.add(new Rule(when, sequence));
    }

    /** The response for a job with {@code payload}, or empty when no rule matches. */
    public synchronized Optional<StubResponse> next(byte[] payload) {
        for (Rule r : conditional) {
            if (r.when.test(payload.clone())) {
                return Optional.of(r.next());
            }
        }
        return fallback == null ? Optional.empty() : Optional.of(fallback.next());
    }

    private static final class Rule {
        final Predicate<byte[]> when;
        final List<StubResponse> sequence;
        int used;

        Rule(Predicate<byte[]> when, List<StubResponse> sequence) {
            if (sequence.isEmpty()) {
                throw new IllegalArgumentException("a stub rule needs at least one response");
            }
            this.when = when;
            this.sequence = List.copyOf(sequence);
        }

        StubResponse next() {
            return sequence.get(Math.min(used++, sequence.size() - 1));
        }
    }
}
