package io.smtpprobe.engine.sts;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The two TXT records of a domain's transport-security setup: {@code _mta-sts} ({@code v=STSv1; id=…},
 * RFC 8461 §3.1) and {@code _smtp._tls} ({@code v=TLSRPTv1; rua=…}, RFC 8460 §3). Records that do not
 * start with the version are someone else's and ignored; more than one that does makes both RFCs
 * treat the domain as having none.
 */
public final class PolicyRecords {
    private static final Pattern STS_ID = Pattern.compile("[A-Za-z0-9]{1,32}");
    /** A TXT record can hold thousands of targets; a report shows this many. */
    static final int MAX_RUA = 10;

    private PolicyRecords() {
    }

    /** A {@code _mta-sts} record: the policy id, or why the record is unusable; both null when there is none. */
    public record StsTxt(String id, String error) {
        public boolean present() {
            return id != null || error != null;
        }
    }

    public static StsTxt sts(List<String> txtRecords) {
        List<String> ours = versioned(txtRecords, "STSv1");
        if (ours.isEmpty()) {
            return new StsTxt(null, null);
        }
        if (ours.size() > 1) {
            return new StsTxt(null, ours.size() + " TXT records start with v=STSv1; RFC 8461 allows one");
        }
        String id = fields(ours.get(0)).get("id");
        if (id == null) {
            return new StsTxt(null, "the v=STSv1 record has no id");
        }
        if (!STS_ID.matcher(id).matches()) {
            return new StsTxt(null, "id " + Texts.quote(id) + " is not 1 to 32 letters and digits");
        }
        return new StsTxt(id, null);
    }

    /** The {@code rua} targets of the one {@code v=TLSRPTv1} record, or none. */
    public static List<String> tlsRptRua(List<String> txtRecords) {
        List<String> ours = versioned(txtRecords, "TLSRPTv1");
        if (ours.size() != 1) {
            return List.of();
        }
        String rua = fields(ours.get(0)).get("rua");
        if (rua == null) {
            return List.of();
        }
        List<String> targets = new ArrayList<>();
        for (String target : rua.split(",")) {
            String t = target.strip();
            if ((t.startsWith("mailto:") || t.startsWith("https:")) && targets.size() < MAX_RUA) {
                targets.add(io.smtpprobe.core.ServerText.sanitize(t, Texts.MAX));
            }
        }
        return List.copyOf(targets);
    }

    private static List<String> versioned(List<String> records, String version) {
        List<String> out = new ArrayList<>();
        for (String record : records) {
            String first = record.split(";", 2)[0].strip();
            if (first.equals("v=" + version)) {
                out.add(record);
            }
        }
        return out;
    }

    /** {@code key=value} fields separated by {@code ;} with optional white space; the first of a key counts. */
    private static Map<String, String> fields(String record) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String field : record.split(";")) {
            int eq = field.indexOf('=');
            if (eq > 0) {
                out.putIfAbsent(field.substring(0, eq).strip(), field.substring(eq + 1).strip());
            }
        }
        return out;
    }
}
