package dev.gear.it.examples;

import static dev.gear.junit5.GearAssertions.assertThat;

import dev.gear.Client;
import dev.gear.Job;
import dev.gear.junit5.GearmanServer;
import dev.gear.testkit.EmbeddedGearmanServer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Client side: test code that submits jobs, with the server answering the function itself
 * (a stub), so no real worker is needed. The README's quick start is copied from here.
 */
class StubbedFunctionIT {
    // quick-start:client:begin
    @GearmanServer
    static EmbeddedGearmanServer server;                 // one server for the class, port 0, closed after it

    @Test
    void thumbnailsComeFromTheResizeFunction(Client client) {   // connected to that server, closed after the test
        server.stub("resize").willAnswerAsString(image -> "thumb:" + image);   // payload and result as UTF-8

        String thumbnail = new Thumbnails(client).of("cat.png");

        assertThat(thumbnail).isEqualTo("thumb:cat.png");
        assertThat(server).job("resize").withPayload("cat.png").isCompleted();
    }
    // quick-start:client:end

    @Test
    void aFailingFunctionIsReportedAsSuch(Client client) {
        server.stub("resize").when(image -> new String(image, StandardCharsets.UTF_8).endsWith(".gif")).willFail();

        assertThat(new Thumbnails(client).of("dance.gif")).isNull();
        assertThat(server).job("resize").withPayload("dance.gif").isFailed();
    }

    /** The code under test: makes thumbnails through a Gearman function. */
    static final class Thumbnails {
        private final Client client;

        Thumbnails(Client client) {
            this.client = client;
        }

        /** The thumbnail of {@code image}, or null when the function failed. */
        String of(String image) {
            Job job = client.submitJob(new Job("resize", image)).waitForCompletion(Duration.ofSeconds(10));
            return job.isFailure() ? null : job.dataAsString();
        }
    }
}
