package dev.gear;

import java.nio.charset.StandardCharsets;

/**
 * Checks names and uniques before they go on the wire. A NUL would end the field early (or, as
 * the last field of CAN_DO, be sent and refused), and a line feed or carriage return would break
 * the text admin replies that list them; servers refuse all three (ours answers INVALID_ARGUMENTS),
 * so the caller learns it here, where the name was written, instead of from a later ERROR.
 */
final class WireNames {
    private WireNames() {
    }

    static byte[] check(String what, byte[] value) {
        for (int i = 0; i < value.length; i++) {
            String problem = value[i] == 0 ? "a NUL byte" : value[i] == '\n' ? "a line feed" : value[i] == '\r' ? "a carriage return" : null;
            if (problem != null) {
                throw new InvalidDataException(what + " " + Printable.of(value, 64) + " contains " + problem + " at byte " + i
                        + "; Gearman names and uniques cannot carry NUL, \\n or \\r");
            }
        }
        return value;
    }

    static String check(String what, String value) {
        check(what, value.getBytes(StandardCharsets.UTF_8));
        return value;
    }
}
