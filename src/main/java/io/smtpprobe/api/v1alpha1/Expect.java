package io.smtpprobe.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.List;

/**
 * {@code spec.expect}: what a healthy answer is, when it is a refusal. Without it, Ready means
 * "accepted"; with it, Ready means "answered as expected", while result and reason still say what
 * happened.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(value = "has(self.reasons) || has(self.code) || has(self.enhancedCode)",
        message = "spec.expect needs at least one of reasons, code or enhancedCode")
// The class digit as a literal: string(int) has no size bound the API server's cost estimate can see.
@ValidationRule(value = "!has(self.code) || !has(self.enhancedCode) || self.enhancedCode.startsWith("
        + "self.code >= 500 ? '5' : self.code >= 400 ? '4' : self.code >= 300 ? '3' : '2')",
        message = "spec.expect.enhancedCode must have the class of spec.expect.code (5.x.x with 5xx): no reply carries both otherwise")
public class Expect {
    /** RFC 3463 CLASS.SUBJECT.DETAIL; the validator's {@code Expectation.ENHANCED_CODE} says the same. */
    public static final String ENHANCED_CODE = "^[245]\\.[0-9]{1,3}\\.[0-9]{1,3}$";

    @JsonPropertyDescription("The outcome is healthy when its reason is any one of these, e.g. [RecipientUnknown] for a "
            + "random local part (no catch-all), [RelayDenied] for a foreign recipient (no open relay), "
            + "[StartTlsNotOffered] with tls: Required (plaintext refused).")
    @Size(min = 1, max = 40)
    private List<ExpectedReason> reasons;

    @JsonPropertyDescription("The reply code the deciding server must answer with, e.g. 550.")
    @Min(200)
    @Max(599)
    private Integer code;

    @JsonPropertyDescription("The RFC 3463 enhanced status code the deciding server must answer with, e.g. 5.1.1.")
    @Pattern(ENHANCED_CODE)
    @Size(max = 11)
    private String enhancedCode;

    public Expect() {
    }

    public Expect(List<ExpectedReason> reasons, Integer code, String enhancedCode) {
        this.reasons = reasons;
        this.code = code;
        this.enhancedCode = enhancedCode;
    }

    public List<ExpectedReason> getReasons() {
        return reasons;
    }

    public void setReasons(List<ExpectedReason> reasons) {
        this.reasons = reasons;
    }

    public Integer getCode() {
        return code;
    }

    public void setCode(Integer code) {
        this.code = code;
    }

    public String getEnhancedCode() {
        return enhancedCode;
    }

    public void setEnhancedCode(String enhancedCode) {
        this.enhancedCode = enhancedCode;
    }
}
