package dev.gear.geard;

import java.util.List;
import java.util.Objects;

/**
 * One row of geard's flag table ({@link Flags#TABLE}): its spellings, the placeholder of its value
 * ({@code null} for a switch), its help text and what it does to the command line being read.
 * The usage line, {@code --help}, parsing and the "argument X: ..." errors are all made from these
 * rows, so a flag is written once.
 *
 * @param names   the spellings, short first as argparse shows them ({@code -b}, {@code --backlog})
 * @param metavar the value's placeholder in usage and help ({@code N}, {@code PATH}); null for a switch
 * @param help    the help text: wrapped to the help's width; {@code \n} starts a new line
 * @param action  applies the flag (and its value, for a flag that has one)
 */
record Flag(List<String> names, String metavar, String help, Action action) {
    Flag {
        names = List.copyOf(names);
        Objects.requireNonNull(help, "help");
        Objects.requireNonNull(action, "action");
        if (names.isEmpty()) {
            throw new IllegalArgumentException("a flag needs a name");
        }
    }

    /** A flag that takes a value, {@code --name VALUE} or {@code --name=VALUE} (or {@code -xVALUE}). */
    static Flag value(List<String> names, String metavar, String help, Action action) {
        return new Flag(names, Objects.requireNonNull(metavar, "metavar"), help, action);
    }

    /** A switch: present or not, no value. */
    static Flag toggle(List<String> names, String help, SwitchAction action) {
        return new Flag(names, null, help, (line, name, value) -> action.apply(line));
    }

    boolean takesValue() {
        return metavar != null;
    }

    /** How the usage line shows it: {@code [-p PORT]}, {@code [--keepalive]}. */
    String usage() {
        return "[" + withMetavar(names.get(0)) + "]";
    }

    /** How the help's left column shows it: {@code -b N, --backlog N}. */
    String label() {
        return String.join(", ", names.stream().map(this::withMetavar).toList());
    }

    private String withMetavar(String name) {
        return takesValue() ? name + " " + metavar : name;
    }

    /** What a flag does to the command line being read. */
    @FunctionalInterface
    interface Action {
        /**
         * @param name  the spelling used, for messages ({@code argument -b: ...})
         * @param value the value; null for a switch
         * @throws IllegalArgumentException with the message geard prints after {@code geard: error: }
         */
        void apply(CommandLine line, String name, String value);
    }

    /** What a switch does. */
    @FunctionalInterface
    interface SwitchAction {
        void apply(CommandLine line);
    }
}
