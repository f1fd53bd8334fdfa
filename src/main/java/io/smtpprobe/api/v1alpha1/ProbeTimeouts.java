package io.smtpprobe.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;

@JsonInclude(JsonInclude.Include.NON_NULL)
public class ProbeTimeouts {
    @JsonPropertyDescription("Deadline for each TCP connect, e.g. 10s.")
    @Pattern(WireText.DURATION)
    @Size(max = 32)
    @Default("10s")
    private String connect;

    @JsonPropertyDescription("Deadline for each SMTP reply, including the greeting, e.g. 30s.")
    @Pattern(WireText.DURATION)
    @Size(max = 32)
    @Default("30s")
    private String command;

    @JsonPropertyDescription("Deadline for a whole dialogue with one server, e.g. 2m.")
    @Pattern(WireText.DURATION)
    @Size(max = 32)
    @Default("2m")
    private String total;

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

    public String getTotal() {
        return total;
    }

    public void setTotal(String total) {
        this.total = total;
    }
}
