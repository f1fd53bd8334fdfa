package io.smtpprobe.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;

@JsonInclude(JsonInclude.Include.NON_NULL)
public class MessageData {
    @JsonPropertyDescription("Subject header of the test message (one line).")
    @Size(max = 200)
    @Pattern(WireText.SINGLE_LINE)
    private String subject;

    @JsonPropertyDescription("Body of the test message; lines may be separated by LF, other control characters are refused.")
    @Size(max = 10000)
    @Pattern(WireText.MULTI_LINE)
    private String body;

    public MessageData() {
    }

    public MessageData(String subject, String body) {
        this.subject = subject;
        this.body = body;
    }

    public String getSubject() {
        return subject;
    }

    public void setSubject(String subject) {
        this.subject = subject;
    }

    public String getBody() {
        return body;
    }

    public void setBody(String body) {
        this.body = body;
    }
}
