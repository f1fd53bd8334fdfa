package io.smtpprobe.testsupport;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The text of a private Exim's configuration file. It has no dnslookup router and no transport at
 * all, so nothing it accepts can leave the host: known recipients and everything else (bounces,
 * DSNs) end in {@code :blackhole:}. Its ACLs answer the way {@link Postfix}'s restrictions do, in
 * Exim's own default wordings unless a reply is given.
 */
final class EximConfiguration {

    /** Where the instance's files live; the config refers to them by absolute path. */
    record Paths(String binary, String spool, String logs, String pidFile, String recipients,
                 String certificate, String privateKey) {
    }

    private final String primaryHostname;
    private final List<String> localDomains;
    private final boolean dsn;
    private final boolean tls;
    private final Map<String, String> heloRejections;
    private final Map<String, String> senderRejections;
    private final Map<String, String> recipientRejections;
    private final Map<String, String> extraMain;

    EximConfiguration(String primaryHostname, List<String> localDomains, boolean dsn, boolean tls,
                      Map<String, String> heloRejections, Map<String, String> senderRejections,
                      Map<String, String> recipientRejections, Map<String, String> extraMain) {
        this.primaryHostname = primaryHostname;
        this.localDomains = List.copyOf(localDomains);
        this.dsn = dsn;
        this.tls = tls;
        this.heloRejections = new LinkedHashMap<>(heloRejections);
        this.senderRejections = new LinkedHashMap<>(senderRejections);
        this.recipientRejections = new LinkedHashMap<>(recipientRejections);
        this.extraMain = new LinkedHashMap<>(extraMain);
    }

    String render(Paths paths, String address, int port) {
        Map<String, String> main = new LinkedHashMap<>();
        main.put("primary_hostname", primaryHostname);
        // Exim re-execs itself to deliver; the package's path (/usr/sbin/exim4) does not exist here.
        main.put("exim_path", paths.binary());
        // The unpacked libidn12 is found through LD_LIBRARY_PATH, in the re-exec'd Exim too.
        main.put("keep_environment", "LD_LIBRARY_PATH");
        main.put("spool_directory", paths.spool());
        main.put("log_file_path", paths.logs() + "/%slog");
        main.put("pid_file_path", paths.pidFile());
        main.put("local_interfaces", address);
        main.put("daemon_smtp_ports", String.valueOf(port));
        // A taken port fails at once instead of after 9 retries 30 s apart.
        main.put("daemon_startup_retries", "0");
        main.put("disable_ipv6", "true");
        // No DNS and no ident: neither reverse lookups of clients nor RFC 1413 callbacks.
        main.put("host_lookup", "");
        main.put("rfc1413_hosts", "");
        main.put("rfc1413_query_timeout", "0s");
        // Without a certificate Exim 4.96 would offer STARTTLS with a self-signed one it makes up.
        main.put("tls_advertise_hosts", tls ? "*" : "");
        if (tls) {
            main.put("tls_certificate", paths.certificate());
            main.put("tls_privatekey", paths.privateKey());
        }
        main.put("dsn_advertise_hosts", dsn ? "*" : "");
        main.put("domainlist local_domains", localDomains.isEmpty() ? "" : String.join(" : ", localDomains));
        main.put("acl_smtp_helo", "acl_check_helo");
        main.put("acl_smtp_mail", "acl_check_mail");
        main.put("acl_smtp_rcpt", "acl_check_rcpt");
        main.putAll(extraMain);

        StringBuilder config = new StringBuilder();
        main.forEach((name, value) -> config.append(name).append(" = ").append(value).append('\n'));
        config.append("\nbegin acl\n\n");
        config.append("acl_check_helo:\n");
        heloRejections.forEach((name, reply) -> config.append(rule(reply, "$sender_helo_name", name)));
        config.append("  accept\n\n");
        config.append("acl_check_mail:\n");
        senderRejections.forEach((sender, reply) -> config.append(rule(reply, "$sender_address", sender)));
        config.append("  accept\n\n");
        config.append("acl_check_rcpt:\n");
        recipientRejections.forEach((rcpt, reply) -> config.append(rule(reply, "$local_part@$domain", rcpt)));
        // Exim's default configuration words these two; its 550s carry no enhanced code.
        config.append("  require message = relay not permitted\n          domains = +local_domains\n");
        config.append("  require verify = recipient\n");
        config.append("  accept\n\n");
        config.append("begin routers\n\n");
        config.append("known_recipients:\n  driver = redirect\n  domains = +local_domains\n")
                .append("  condition = ${lookup{$local_part@$domain}lsearch*@{").append(paths.recipients())
                .append("}{yes}{no}}\n  data = :blackhole:\n\n");
        // Bounces and DSNs (NOTIFY=SUCCESS) go nowhere; no_verify keeps unknown users unknown at RCPT.
        config.append("everything_else:\n  driver = redirect\n  no_verify\n  data = :blackhole:\n");
        return config.toString();
    }

    /** The recipients file the router looks up: {@code user@domain} or {@code *@domain} for a catch-all. */
    static String recipientsFile(List<String> keys) {
        return keys.stream().map(key -> key + ": accept\n").collect(Collectors.joining());
    }

    /**
     * An ACL statement refusing {@code value} of {@code variable}: {@code defer} for a 4xx reply,
     * {@code deny} otherwise. Exim sends a reply's own code when its first digit matches the verb's;
     * a null reply leaves Exim's default, "550 Administrative prohibition".
     */
    private static String rule(String reply, String variable, String value) {
        String verb = reply != null && reply.startsWith("4") ? "defer" : "deny";
        List<String> lines = new ArrayList<>();
        lines.add("  " + verb + " condition = ${if eqi{" + variable + "}{" + escaped(value) + "}}");
        if (reply != null) {
            lines.add("        message = " + escaped(reply));
        }
        return String.join("\n", lines) + "\n";
    }

    /** Test input becomes a literal in an expanded string: no line breaks, and no expansion syntax. */
    static String escaped(String literal) {
        if (literal.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
            throw new IllegalArgumentException("control character in Exim config value: " + literal);
        }
        return literal.replaceAll("([\\\\${}])", "\\\\$1");
    }
}
