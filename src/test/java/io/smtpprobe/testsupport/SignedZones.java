package io.smtpprobe.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Zone files for {@link Nsd}, signed by the real {@code ldns-signzone} with keys from the real
 * {@code ldns-keygen} (package ldnsutils): one ECDSA P-256 key per zone, used for everything (a
 * "combined signing key"), NSEC denial.
 */
final class SignedZones {
    static final Path KEYGEN = Path.of("/usr/bin/ldns-keygen");
    static final Path SIGNZONE = Path.of("/usr/bin/ldns-signzone");

    private SignedZones() {
    }

    /** A fresh key for the zone in {@code directory}: its base name ({@code K<zone>.+013+<tag>}). */
    static String newKey(Path directory, String zone) {
        String base = run(directory, KEYGEN.toString(), "-a", "ECDSAP256SHA256", "-k", zone).strip();
        if (base.isEmpty() || !Files.exists(directory.resolve(base + ".ds"))) {
            throw new IllegalStateException("ldns-keygen made no key for " + zone + ": " + base);
        }
        return base;
    }

    /** The DS record of a key, in zone-file form with an absolute owner: a parent's delegation or a trust anchor. */
    static String ds(Path directory, String keyBase) {
        try {
            String line = Files.readString(directory.resolve(keyBase + ".ds"), StandardCharsets.UTF_8).strip();
            // "dane.test.\tIN\tDS\t62856 13 2 46e9…": a TTL keeps zone-file parsers happy
            return line.replaceFirst("\\s+IN\\s+DS\\s+", " 300 IN DS ");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Signs {@code zoneFile} into {@code signedFile}.
     *
     * @param validity {@code {inception, expiration}} as {@code YYYYMMDD}, or null for ldns' default (now to four weeks)
     */
    static void sign(Path directory, String zone, Path zoneFile, Path signedFile, String keyBase, String[] validity) {
        List<String> command = new ArrayList<>(List.of(SIGNZONE.toString(), "-o", zone, "-f", signedFile.toString()));
        if (validity != null) {
            command.addAll(List.of("-i", validity[0], "-e", validity[1]));
        }
        command.add(zoneFile.toString());
        command.add(keyBase);
        run(directory, command.toArray(String[]::new));
    }

    /**
     * Writes every zone file, with SOA, NS and the delegations of the zones below it, and signs each as
     * asked. Keys come first: a parent's DS needs its child's key.
     *
     * @return the first (top) zone's DS, the trust anchor
     */
    static String write(Path directory, List<Nsd.Zone> zones, String address) throws IOException {
        Map<String, String> keys = new LinkedHashMap<>();
        Map<String, String> delegatedKeys = new LinkedHashMap<>();
        for (Nsd.Zone zone : zones) {
            if (zone.signing() != Nsd.Signing.UNSIGNED) {
                keys.put(zone.name(), newKey(directory, zone.name()));
            }
            if (zone.signing() == Nsd.Signing.WRONG_KEY) {
                // a second key whose DS the parent publishes; the zone never uses it
                Path aside = Files.createDirectories(directory.resolve("unused-keys"));
                delegatedKeys.put(zone.name(), aside.getFileName() + "/" + newKey(aside, zone.name()));
            } else if (keys.containsKey(zone.name())) {
                delegatedKeys.put(zone.name(), keys.get(zone.name()));
            }
        }
        String top = zones.get(0).name();
        String nameServer = "ns." + top + ".";
        for (Nsd.Zone zone : zones) {
            List<String> lines = new ArrayList<>();
            lines.add("$ORIGIN " + zone.name() + ".");
            lines.add("$TTL 300");
            lines.add("@ IN SOA " + nameServer + " hostmaster." + top + ". 1 3600 600 86400 300");
            lines.add("@ IN NS " + nameServer);
            if (zone.name().equals(top)) {
                lines.add(nameServer + " IN A " + address);
            }
            lines.addAll(zone.records());
            for (Nsd.Zone child : zones) {
                if (zone.name().equals(parentOf(zones, child.name()))) {
                    lines.add(child.name() + ". IN NS " + nameServer);
                    String delegated = delegatedKeys.get(child.name());
                    if (delegated != null) {
                        lines.add(ds(directory, delegated));
                    }
                }
            }
            Path file = directory.resolve(zone.name() + ".zone");
            Files.write(file, lines, StandardCharsets.UTF_8);
            Path served = directory.resolve(zone.name() + ".served");
            switch (zone.signing()) {
                case UNSIGNED -> Files.copy(file, served);
                case EXPIRED_SIGNATURES -> sign(directory, zone.name(), file, served,
                        keys.get(zone.name()), new String[] {"20200101", "20200201"});
                default -> sign(directory, zone.name(), file, served, keys.get(zone.name()), null);
            }
        }
        return ds(directory, keys.get(top));
    }

    /** The nearest enclosing zone among these, or null for the top. */
    private static String parentOf(List<Nsd.Zone> zones, String name) {
        String best = null;
        for (Nsd.Zone zone : zones) {
            if (name.endsWith("." + zone.name()) && (best == null || zone.name().length() > best.length())) {
                best = zone.name();
            }
        }
        return best;
    }

    private static String run(Path directory, String... command) {
        if (!Files.isExecutable(Path.of(command[0]))) {
            throw new IllegalStateException(command[0] + " is missing: run hack/install-deps.sh (package ldnsutils)");
        }
        try {
            Process process = new ProcessBuilder(command).directory(directory.toFile()).redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(30, TimeUnit.SECONDS) || process.exitValue() != 0) {
                process.destroyForcibly();
                throw new IllegalStateException(String.join(" ", command) + " failed:\n" + output);
            }
            return output;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
