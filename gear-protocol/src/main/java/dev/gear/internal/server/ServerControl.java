package dev.gear.internal.server;

/** What the core may ask of the server that owns its sockets. Called on the loop thread. */
public interface ServerControl {
    /** Closes the listening sockets; open connections stay. */
    void stopAccepting();

    /** Pauses or resumes accepting; the sockets stay bound and new connects wait in the backlog. */
    void setAccepting(boolean accepting);

    /** Ends the server: every connection and the loop. */
    void stop();
}
