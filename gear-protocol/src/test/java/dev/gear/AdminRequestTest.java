package dev.gear;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class AdminRequestTest {
    @Test
    void statusRowsAreParsed() {
        StatusAdminRequest r = new StatusAdminRequest();
        r.setResponse(List.of("reverse\t2\t1\t3", "\t0\t0\t1"));
        assertThat(r.rows()).containsExactly(new StatusRow("reverse", 2, 1, 3), new StatusRow("", 0, 0, 1));
        assertThat(r.response()).isEqualTo("reverse\t2\t1\t3\n\t0\t0\t1\n");
    }

    @Test
    void workersLinesOfGearmandAndGearAreBothParsed() {
        WorkersAdminRequest r = new WorkersAdminRequest();
        r.setResponse(List.of("21 127.0.0.1 - :", "33 127.0.0.1 w1 : f2 f1", "5 ::ffff:127.0.0.1 w2 : "));
        assertThat(r.rows()).containsExactly(
                new WorkerRow(21, "127.0.0.1", "-", List.of()),
                new WorkerRow(33, "127.0.0.1", "w1", List.of("f2", "f1")),
                new WorkerRow(5, "::ffff:127.0.0.1", "w2", List.of()));
    }

    @Test
    void showJobsAndVersion() {
        ShowJobsAdminRequest jobs = new ShowJobsAdminRequest();
        jobs.setResponse(List.of("H:vm:3\t1\t0\t1"));
        assertThat(jobs.rows()).containsExactly(new JobRow("H:vm:3", 1, false, true));
        VersionAdminRequest version = new VersionAdminRequest();
        version.setResponse(List.of("OK 1.1.20+ds"));
        assertThat(version.version()).isEqualTo("1.1.20+ds");
    }

    @Test
    void malformedRowsAreRejectedWithTheLine() {
        assertThatThrownBy(() -> new StatusAdminRequest().setResponse(List.of("f\tx\t0\t0")))
                .isInstanceOf(InvalidDataException.class).hasMessageContaining("f\tx\t0\t0");
        assertThatThrownBy(() -> new WorkersAdminRequest().setResponse(List.of("garbage")))
                .isInstanceOf(InvalidDataException.class).hasMessageContaining("garbage");
    }

    @Test
    void responseIsUnavailableBeforeSending() {
        assertThatThrownBy(() -> new StatusAdminRequest().rows()).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> new CancelJobAdminRequest("two words")).isInstanceOf(InvalidDataException.class);
        assertThat(new CancelJobAdminRequest("H:x:1").commandLine()).isEqualTo("cancel job H:x:1");
    }
}
