package dev.gear.it.reliability;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.StringJoiner;

/**
 * The length of the reliability suite. By default ({@code ./mvnw verify}) every reliability test
 * runs its short variant, sized to finish in seconds; {@code -Dsoak.seconds=600} runs each one's
 * long variant for about that long (the test's own scale, e.g. frames fuzzed, grows with it).
 *
 * <p>Every reliability test ends by printing one {@link #summary} line; the lines are also
 * appended to {@code target/reliability-summary.txt} because failsafe sends test output to files.
 */
public final class Soak {
    /** The system property that turns the long variants on. */
    public static final String PROPERTY = "soak.seconds";

    private Soak() {
    }

    /** Whether {@code -Dsoak.seconds} asked for the long variants. */
    public static boolean isLong() {
        return seconds() > 0;
    }

    /** How long a long variant runs, or {@code quick} in the default (short) run. */
    public static Duration duration(Duration quick) {
        long s = seconds();
        return s > 0 ? Duration.ofSeconds(s) : quick;
    }

    /** {@code quick} in the default run, {@code soak} in the long one. */
    public static long scale(long quick, long soak) {
        return isLong() ? soak : quick;
    }

    private static long seconds() {
        String value = System.getProperty(PROPERTY, "").trim();
        if (value.isEmpty()) {
            return 0;
        }
        try {
            long s = Long.parseLong(value);
            if (s < 0) {
                throw new IllegalArgumentException(PROPERTY + " must be 0 or more seconds, was " + value);
            }
            return s;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(PROPERTY + " must be a whole number of seconds, was '" + value + "'", e);
        }
    }

    /** A summary line under construction: {@code Soak.summary("fuzz").put("frames", n).print()}. */
    public static Summary summary(String suite) {
        return new Summary(suite);
    }

    /** One line of figures for {@code docs/reliability.md}. */
    public static final class Summary {
        private final String suite;
        private final Map<String, Object> figures = new LinkedHashMap<>();

        private Summary(String suite) {
            this.suite = suite;
        }

        public Summary put(String name, Object value) {
            figures.put(name, value);
            return this;
        }

        /** Prints the line and appends it to {@code target/reliability-summary.txt}; returns it. */
        public String print() {
            StringJoiner line = new StringJoiner(" ", "SUMMARY " + suite + (isLong() ? " [long " + seconds() + " s]" : " [short]") + ": ", "");
            figures.forEach((k, v) -> line.add(k + "=" + v));
            String text = line.toString();
            System.out.println(text);
            Path file = Path.of("target", "reliability-summary.txt");
            try {
                Files.createDirectories(file.getParent());
                Files.writeString(file, Instant.now() + " " + text + System.lineSeparator(), StandardCharsets.UTF_8,
                        StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot append the summary to " + file.toAbsolutePath(), e);
            }
            return text;
        }
    }
}
