package dev.gear;

import java.util.List;

/**
 * An administrative text command and, once {@link Connection#sendAdminRequest} returned, its reply
 * (gear's {@code AdminRequest}). The subclasses parse the reply into typed, immutable rows.
 *
 * <p>Send a request once; sending it again replaces the response. Reading the response is
 * thread-safe once the send returned.
 */
public abstract class AdminRequest {
    private final String command;
    private volatile List<String> lines;

    /** @param command the command line without its line end, e.g. {@code "status"} */
    protected AdminRequest(String command) {
        if (command.indexOf('\n') >= 0 || command.indexOf('\r') >= 0) {
            throw new InvalidDataException("an admin command must be one line: " + command);
        }
        this.command = command;
    }

    /** The command as sent, without its line end. */
    public String commandLine() {
        return command;
    }

    /** Whether the reply is a list ended by a {@code .} line (true) or a single line. */
    protected abstract boolean isMultiLine();

    /** Parses the reply lines; throw {@link InvalidDataException} when they make no sense. */
    protected void parse(List<String> replyLines) {
    }

    final void setResponse(List<String> replyLines) {
        parse(replyLines);
        this.lines = List.copyOf(replyLines);
    }

    /** Whether a reply has been received. */
    public boolean isComplete() {
        return lines != null;
    }

    /** The reply lines, without line ends and without the final {@code .} of a list. */
    public List<String> lines() {
        List<String> l = lines;
        if (l == null) {
            throw new IllegalStateException("no response yet: send the request with Connection.sendAdminRequest");
        }
        return l;
    }

    /** The reply as text, each line ended by {@code \n} (gear's {@code response}, decoded). */
    public String response() {
        StringBuilder sb = new StringBuilder();
        for (String line : lines()) {
            sb.append(line).append('\n');
        }
        return sb.toString();
    }

    static int parseInt(String field, String what, String line) {
        try {
            return Integer.parseInt(field.trim());
        } catch (NumberFormatException e) {
            throw new InvalidDataException("bad " + what + " '" + field + "' in admin reply line: " + line);
        }
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "[" + command + "]";
    }
}
