package dev.gear.it.support;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * What one run of a command-line tool produced.
 *
 * @param command  the full command line
 * @param exitCode its exit status
 * @param stdout   everything it wrote to standard output
 * @param stderr   everything it wrote to standard error, as UTF-8
 */
public record ToolResult(List<String> command, int exitCode, byte[] stdout, String stderr) {

    /** Standard output as UTF-8. */
    public String stdoutText() {
        return new String(stdout, StandardCharsets.UTF_8);
    }

    /** Standard output split into lines, without line ends. */
    public List<String> stdoutLines() {
        return stdoutText().lines().toList();
    }

    @Override
    public String toString() {
        return String.join(" ", command) + "\n  exit " + exitCode
                + "\n  stdout: " + stdoutText().replace("\n", "\\n")
                + "\n  stderr: " + stderr.replace("\n", "\\n");
    }
}
