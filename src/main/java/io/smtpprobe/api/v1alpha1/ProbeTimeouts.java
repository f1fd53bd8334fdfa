package io.smtpprobe.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;

@JsonInclude(JsonInclude.Include.NON_NULL)
public class ProbeTimeouts {
    @JsonPropertyDescription("Deadline for each TCP connect, e.g. 10s; at most 2m.")
    @Pattern(WireText.DURATION)
    @Size(max = 32)
    @Default("10s")
    @ValidationRule(value = "duration(self) <= duration('2m')", message = "connect must be at most 2m")
    private String connect;

    @JsonPropertyDescription("Deadline for each SMTP reply, including the greeting, e.g. 30s; at most 10m.")
    @Pattern(WireText.DURATION)
    @Size(max = 32)
    @Default("30s")
    @ValidationRule(value = "duration(self) <= duration('10m')", message = "command must be at most 10m")
    private String command;

    @JsonPropertyDescription("Deadline for a whole dialogue with one server, e.g. 2m; at most 30m, and shortened to "
            + "spec.interval (with a status warning) when longer.")
    @Pattern(WireText.DURATION)
    @Size(max = 32)
    @Default("2m")
    @ValidationRule(value = "duration(self) <= duration('30m')", message = "total must be at most 30m")
    private String total;

    @JsonPropertyDescription("Deadline for a whole probe run, across domains, MX hosts, attempts and greylist retries, e.g. 5m; "
            + "at most 1h. Unset: twice total plus greylistRetry. Either is shortened to spec.interval plus total (room for one "
            + "greylist retry), with a status warning when set. "
            + "Domains without a verdict when it passes are reported as RunDeadlineExceeded.")
    @Pattern(WireText.DURATION)
    @Size(max = 32)
    @ValidationRule(value = "duration(self) <= duration('1h')", message = "run must be at most 1h")
    private String run;

    public String getConnect() {
        return connect;
    }

    public void setConnect(String connect) {
        this.connect = connect;
    }

    public String getCommand() {
        return command;
    }

    public void setCommand(String command) {
        this.command = command;
    }

    public String getRun() {
        return run;
    }

    public void setRun(String run) {
        this.run = run;
    }

    public String getTotal() {
        return total;
    }

    public void setTotal(String total) {
        this.total = total;
    }
}
