package io.smtpprobe.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * What an {@link Exim} instance accepts and rejects, named as in {@link Postfix.Builder}. Defaults: host
 * mx1.accept.test on 127.0.0.1, no domains, DSN advertised, no TLS.
 */
public final class EximBuilder {

    private String primaryHostname = "mx1.accept.test";
    private String address = Exim.HOST;
    private final Map<String, List<String>> recipientsByDomain = new LinkedHashMap<>();
    private final Map<String, String> heloRejections = new LinkedHashMap<>();
    private final Map<String, String> senderRejections = new LinkedHashMap<>();
    private final Map<String, String> recipientRejections = new LinkedHashMap<>();
    private final Map<String, String> extraMain = new LinkedHashMap<>();
    private boolean dsn = true;
    private Path tlsCert;
    private Path tlsKey;

    EximBuilder() {
    }

    /** The name in the banner and the EHLO reply (Postfix's myhostname). */
    public EximBuilder primaryHostname(String name) {
        this.primaryHostname = name;
        return this;
    }

    /** Listens on this address instead of 127.0.0.1; anything outside 127.0.0.0/8 is refused. */
    public EximBuilder address(String loopbackAddress) {
        if (!loopbackAddress.matches("127\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}")) {
            throw new IllegalArgumentException("Exim listens on 127.0.0.0/8 only, not " + loopbackAddress);
        }
        this.address = loopbackAddress;
        return this;
    }

    /** Accepts these local parts of {@code domain}; other users get "550 Unrouteable address". */
    public EximBuilder domain(String domain, String... localParts) {
        List<String> keys = recipientsByDomain.computeIfAbsent(domain, d -> new ArrayList<>());
        for (String localPart : localParts) {
            keys.add(localPart + "@" + domain);
        }
        return this;
    }

    /** Accepts mail for every user of {@code domain}. */
    public EximBuilder catchAllDomain(String domain) {
        recipientsByDomain.computeIfAbsent(domain, d -> new ArrayList<>()).add("*@" + domain);
        return this;
    }

    /** Without it the EHLO reply does not list DSN, and Exim refuses NOTIFY= parameters. */
    public EximBuilder dsn(boolean advertised) {
        this.dsn = advertised;
        return this;
    }

    /** Refuses EHLO and HELO with this name in acl_smtp_helo: "550 Administrative prohibition". */
    public EximBuilder rejectHelo(String name) {
        heloRejections.put(name, null);
        return this;
    }

    /** Refuses EHLO and HELO with this name with {@code reply}, e.g. "550 5.5.4 Invalid domain name". */
    public EximBuilder rejectHelo(String name, String reply) {
        heloRejections.put(name, reply);
        return this;
    }

    /** Refuses MAIL FROM this address at MAIL FROM: "550 Administrative prohibition". */
    public EximBuilder rejectSender(String sender) {
        senderRejections.put(sender, null);
        return this;
    }

    /** Refuses MAIL FROM this address with {@code reply}; a 4xx reply defers instead. */
    public EximBuilder rejectSender(String sender, String reply) {
        senderRejections.put(sender, reply);
        return this;
    }

    /** Refuses RCPT TO this address with {@code reply}, e.g. "452 4.2.2 Mailbox full" (a 4xx defers). */
    public EximBuilder rejectRecipient(String recipient, String reply) {
        recipientRejections.put(recipient, reply);
        return this;
    }

    /** Offers STARTTLS with this PEM certificate chain and PEM private key. */
    public EximBuilder startTls(Path certificateChainPem, Path privateKeyPem) {
        this.tlsCert = certificateChainPem;
        this.tlsKey = privateKeyPem;
        return this;
    }

    /** Escape hatch for any other main-section option; applied last, so it overrides the above. */
    public EximBuilder mainOption(String name, String value) {
        extraMain.put(name, value);
        return this;
    }

    public Exim start() {
        return Exim.start(this);
    }

    String address() {
        return address;
    }

    /** Config, recipients, TLS files, spool and log directories of one instance under {@code baseDir}. */
    void writeInstance(Path baseDir, int port) {
        try {
            Path conf = Files.createDirectories(baseDir.resolve("conf"));
            Path spool = Files.createDirectories(baseDir.resolve("spool"));
            Path logs = Files.createDirectories(baseDir.resolve("log"));
            // The daemon runs as Debian-exim: it writes spool and logs and reads the TLS key itself.
            ownedByExim(spool);
            ownedByExim(logs);
            String certificate = null;
            String privateKey = null;
            if (tlsCert != null) {
                certificate = Files.copy(tlsCert, conf.resolve("tls-cert.pem")).toString();
                Path key = Files.copy(tlsKey, conf.resolve("tls-key.pem"));
                Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-------"));
                ownedByExim(key);
                privateKey = key.toString();
            }
            Path recipients = conf.resolve("recipients");
            Files.writeString(recipients, EximConfiguration.recipientsFile(recipientKeys()));
            EximConfiguration.Paths paths = new EximConfiguration.Paths(copyOfExim(baseDir).toString(), spool.toString(),
                    logs.toString(), baseDir.resolve("exim.pid").toString(), recipients.toString(),
                    certificate, privateKey);
            Files.writeString(conf.resolve("exim.conf"), configuration().render(paths, address, port));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void ownedByExim(Path path) throws IOException {
        UserPrincipalLookupService users = path.getFileSystem().getUserPrincipalLookupService();
        PosixFileAttributeView view = Files.getFileAttributeView(path, PosixFileAttributeView.class);
        view.setOwner(users.lookupPrincipalByName(Exim.USER));
        GroupPrincipal group = users.lookupPrincipalByGroupName(Exim.USER);
        view.setGroup(group);
    }

    /**
     * Exim re-execs itself as Debian-exim to deliver, and that user cannot reach the cache under
     * root's home, so each instance runs a copy of the binary and its unpacked libraries.
     */
    private static Path copyOfExim(Path baseDir) throws IOException {
        Path binary = Exim.binaryOf(baseDir);
        Files.createDirectories(binary.getParent());
        Files.copy(Exim.binary(), binary, StandardCopyOption.COPY_ATTRIBUTES);
        Path libraries = Files.createDirectories(Exim.librariesOf(baseDir));
        try (Stream<Path> files = Files.list(Exim.libraries())) {
            for (Path library : files.toList()) {
                Files.copy(library, libraries.resolve(library.getFileName()));
            }
        }
        return binary;
    }

    List<String> recipientKeys() {
        return recipientsByDomain.values().stream().flatMap(List::stream).collect(Collectors.toList());
    }

    EximConfiguration configuration() {
        return new EximConfiguration(primaryHostname, List.copyOf(recipientsByDomain.keySet()), dsn,
                tlsCert != null, heloRejections, senderRejections, recipientRejections, extraMain);
    }
}
