package dev.gear.internal.client;

import dev.gear.Job;

/** The events the client core reports, on the I/O thread, after updating the job. */
public interface ClientEvents {
    void jobCreated(Job job);

    void workData(Job job, byte[] data);

    void workWarning(Job job, byte[] data);

    void workStatus(Job job);

    void workComplete(Job job);

    void workFail(Job job);

    void workException(Job job);

    void statusRes(Job job);

    void disconnect(Job job);
}
