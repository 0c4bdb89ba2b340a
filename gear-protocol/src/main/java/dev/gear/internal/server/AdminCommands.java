package dev.gear.internal.server;

import dev.gear.server.FunctionStatus;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The text admin protocol: parses one line, answers it. Words are split on runs of spaces and
 * command words are case-insensitive, as in gearmand; every reply ends in {@code \n}, as gear's
 * (gearmand mixes in {@code \r\n}). Error texts use {@code +} for spaces, as gearmand's.
 */
final class AdminCommands {
    private static final Logger LEVEL_PROBE = LoggerFactory.getLogger("dev.gear.server");

    private static final String PERMISSION_DENIED = "ERR PERMISSION_DENIED\n";

    private final ServerCore core;
    private final JobLifecycle lifecycle;
    private final ServerEvents events;

    AdminCommands(ServerCore core, JobLifecycle lifecycle, ServerEvents events) {
        this.core = core;
        this.lifecycle = lifecycle;
        this.events = events;
    }

    /** The full reply to {@code line}, line end(s) included. */
    String execute(Peer peer, String line) {
        String[] words = line.split(" +");
        if (words.length == 0) {
            return unknown(""); // only spaces: split leaves no word at all; answered like an empty line
        }
        String command = words[0].toLowerCase(Locale.ROOT);
        return switch (command) {
            case "status" -> status();
            case "prioritystatus" -> priorityStatus();
            case "workers" -> workers();
            case "show" -> show(words);
            case "cancel" -> cancel(peer, words);
            case "maxqueue" -> maxQueue(peer, words);
            case "create", "drop" -> function(peer, command, words);
            case "version" -> "OK " + core.config().version() + "\n";
            case "getpid" -> "OK " + ProcessHandle.current().pid() + "\n";
            case "verbose" -> "OK " + verbosity() + "\n";
            case "shutdown" -> shutdown(peer, words);
            case "acl" -> acl(peer, line, words);
            default -> unknown(words[0]);
        };
    }

    private String acl(Peer peer, String line, String[] words) {
        String reply = core.config().permissions().aclCommand(peer.subject, line, List.of(words));
        return reply.equals(PERMISSION_DENIED) ? denied(peer, words, 2) : reply;
    }

    private String status() {
        StringBuilder out = new StringBuilder();
        for (FunctionEntry f : lifecycle.functions().all()) {
            FunctionStatus s = Snapshots.status(f);
            out.append(s.name()).append('\t').append(s.total()).append('\t').append(s.running()).append('\t')
                    .append(s.workers()).append('\n');
        }
        return out.append(".\n").toString();
    }

    private String priorityStatus() {
        StringBuilder out = new StringBuilder();
        for (FunctionEntry f : lifecycle.functions().all()) {
            out.append(f.displayName()).append('\t').append(f.queued[0]).append('\t').append(f.queued[1])
                    .append('\t').append(f.queued[2]).append('\t').append(f.registrations).append('\n');
        }
        return out.append(".\n").toString();
    }

    private String workers() {
        StringBuilder out = new StringBuilder();
        for (Peer p : core.peers()) {
            out.append(p.id).append(' ').append(p.ip()).append(' ').append(p.clientId == null ? "-" : p.clientId)
                    .append(" :");
            for (FunctionEntry f : p.functions.keySet()) {
                out.append(' ').append(f.displayName());
            }
            out.append('\n');
        }
        return out.append(".\n").toString();
    }

    private String show(String[] words) {
        String what = words.length > 1 ? words[1].toLowerCase(Locale.ROOT) : "";
        if (what.equals("jobs") && words.length == 2) {
            StringBuilder out = new StringBuilder();
            for (ServerJob j : lifecycle.jobs().oldestFirst()) {
                // IGNORED is always 0: cancelled and abandoned jobs are removed at once, not marked.
                out.append(j.handle()).append('\t').append(j.retries).append("\t0\t").append(j.background ? 1 : 0)
                        .append('\n');
            }
            return out.append(".\n").toString();
        }
        if (what.equals("unique") && words.length == 3 && words[2].equalsIgnoreCase("jobs")) {
            StringBuilder out = new StringBuilder();
            for (ServerJob j : lifecycle.jobs().oldestFirst()) {
                out.append(new String(j.unique, java.nio.charset.StandardCharsets.UTF_8)).append('\n');
            }
            return out.append(".\n").toString();
        }
        return "ERR UNKNOWN_SHOW_ARGUMENTS\n";
    }

    private String cancel(Peer peer, String[] words) {
        if (words.length < 2 || !words[1].equalsIgnoreCase("job")) {
            return unknown(words[0]);
        }
        if (words.length < 3) {
            return "ERR INVALID_ARGUMENTS " + urlText("cancel job needs a job handle") + "\n";
        }
        ServerJob job = lifecycle.jobs().find(Bytes.fromKey(Bytes.keyOfText(words[2])));
        if (job == null || !job.isWaiting()) {
            return "ERR UNKNOWN_JOB\n"; // running jobs cannot be cancelled (gear's rule)
        }
        if (!core.config().permissions().canInvoke(peer.subject, job.function.displayName())) {
            return denied(peer, words, 2);
        }
        lifecycle.cancel(job);
        lifecycle.reportQueue();
        return "OK\n";
    }

    private String maxQueue(Peer peer, String[] words) {
        if (words.length < 2) {
            return "ERR INVALID_ARGUMENTS "
                    + urlText("An incomplete set of arguments was sent to this command maxqueue") + "\n";
        }
        int[] limits = new int[3];
        try {
            if (words.length >= 5) { // maxqueue FUNC HIGH NORMAL LOW
                for (int i = 0; i < 3; i++) {
                    limits[i] = Integer.parseInt(words[2 + i]);
                }
            } else if (words.length >= 3) { // maxqueue FUNC N: one limit for every priority
                Arrays.fill(limits, Integer.parseInt(words[2]));
            }
        } catch (NumberFormatException e) {
            return "ERR INVALID_ARGUMENTS " + urlText("maxqueue sizes must be integers (0 or less: unlimited)") + "\n";
        }
        if (!core.config().permissions().canConfigure(peer.subject)) {
            return denied(peer, words, 1); // with an ACL, only a subject with grant permission
        }
        // gearmand: only existing functions are affected; unknown names get OK and no effect.
        FunctionEntry f = lifecycle.functions().find(Bytes.keyOfText(words[1]));
        if (f != null) {
            f.setMaxQueue(limits);
        }
        return "OK\n";
    }

    private String function(Peer peer, String command, String[] words) {
        if (words.length < 2 || !words[1].equalsIgnoreCase("function")) {
            return unknown(words[0]);
        }
        if (words.length < 3) {
            return "ERR INVALID_ARGUMENTS "
                    + urlText("An incomplete set of arguments was sent to this command " + command) + "\n";
        }
        if (!core.config().permissions().canConfigure(peer.subject)) {
            // Checked before the lookup, so a refused peer cannot learn which functions exist either.
            return denied(peer, words, 2);
        }
        if (command.equals("create")) {
            if (words[2].indexOf('\r') >= 0 || words[2].indexOf('\0') >= 0) {
                // Same rule as for CAN_DO names: it could not be listed on one line of status.
                return "ERR INVALID_ARGUMENTS "
                        + urlText("function names may not contain a carriage return or NUL") + "\n";
            }
            lifecycle.functions().function(Bytes.keyOfText(words[2]));
            return "OK\n";
        }
        FunctionEntry found = null;
        for (FunctionEntry f : lifecycle.functions().all()) {
            if (f.displayName().equalsIgnoreCase(words[2])) { // gearmand compares case-insensitively
                found = f;
                break;
            }
        }
        if (found == null) {
            return "ERR function not found\n"; // gearmand's exact text
        }
        if (!found.isIdle()) {
            // Unlike gearmand we also refuse while jobs wait, so no job is left without its function.
            return "ERR there are still connected workers or executing clients\n";
        }
        lifecycle.functions().drop(found);
        return "OK\n";
    }

    private String shutdown(Peer peer, String[] words) {
        boolean graceful;
        if (words.length == 1) {
            graceful = false;
        } else if (words.length == 2 && words[1].equalsIgnoreCase("graceful")) {
            graceful = true;
        } else {
            return "ERR INVALID_ARGUMENTS " + urlText("usage: shutdown [graceful]") + "\n";
        }
        if (!core.config().adminShutdown()) {
            // Off by default: without it any peer that can connect could stop the server.
            return "ERR SHUTDOWN_DISABLED " + urlText("the shutdown command is disabled on this server; enable it with "
                    + "Server.builder().adminShutdown(true) or geard --allow-admin-shutdown") + "\n";
        }
        if (!core.config().permissions().canShutdown(peer.subject)) {
            return denied(peer, words, 1); // with an ACL, only a subject with grant permission
        }
        core.loop().execute(() -> core.shutdown(graceful)); // after this OK has been queued
        return "OK\n";
    }

    /**
     * {@code ERR PERMISSION_DENIED}, logged and journalled by the core: the action is the line's
     * first {@code actionWords} words (e.g. {@code cancel job}), the target the rest.
     */
    private String denied(Peer peer, String[] words, int actionWords) {
        int n = Math.min(actionWords, words.length);
        String action = String.join(" ", Arrays.asList(words).subList(0, n)).toLowerCase(Locale.ROOT);
        String target = String.join(" ", Arrays.asList(words).subList(n, words.length));
        events.aclDenied(peer, action, target, "answered " + PERMISSION_DENIED.trim());
        return PERMISSION_DENIED;
    }

    private static String verbosity() {
        // Read-only like gearmand's: reports the level of the server's loggers, in gearmand's names.
        if (LEVEL_PROBE.isDebugEnabled()) {
            return "DEBUG";
        }
        if (LEVEL_PROBE.isInfoEnabled()) {
            return "INFO";
        }
        if (LEVEL_PROBE.isWarnEnabled()) {
            return "WARNING";
        }
        return LEVEL_PROBE.isErrorEnabled() ? "ERROR" : "FATAL";
    }

    private static String unknown(String word) {
        return "ERR UNKNOWN_COMMAND Unknown+server+command" + (word.isEmpty() ? "" : ":+" + urlText(word)) + "\n";
    }

    /** gearmand's reply style: spaces become {@code +}; control characters cannot break the line. */
    static String urlText(String text) {
        StringBuilder out = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            out.append(c == ' ' ? '+' : c < 0x20 || c == 0x7f ? '?' : c);
        }
        return out.toString();
    }
}
