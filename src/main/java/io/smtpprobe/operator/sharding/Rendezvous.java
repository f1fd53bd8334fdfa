package io.smtpprobe.operator.sharding;

import java.nio.charset.StandardCharsets;
import java.util.Collection;

/**
 * Rendezvous (highest-random-weight) hashing: a resource belongs to the member whose hash with the
 * resource's uid is highest. Every replica computes the same owner from the same member set without
 * talking to the others, and when a member joins or leaves only the resources it wins or held move
 * (about 1/N), unlike {@code hash % N}, which reshuffles almost everything.
 */
public final class Rendezvous {
    private Rendezvous() {
    }

    /** The member that owns {@code key}, or null without members. Ties (astronomically rare) go to the smaller name. */
    public static String owner(String key, Collection<String> members) {
        long keyHash = fnv1a(key);
        String best = null;
        long bestWeight = 0;
        for (String member : members) {
            long weight = weight(keyHash, member);
            if (best == null || Long.compareUnsigned(weight, bestWeight) > 0
                    || (weight == bestWeight && member.compareTo(best) < 0)) {
                best = member;
                bestWeight = weight;
            }
        }
        return best;
    }

    static long weight(long keyHash, String member) {
        return mix(keyHash ^ mix(fnv1a(member)));
    }

    /** FNV-1a over the UTF-8 bytes: stable across JVMs and releases, unlike String.hashCode's contract. */
    static long fnv1a(String s) {
        long h = 0xcbf29ce484222325L;
        for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
            h ^= b & 0xff;
            h *= 0x100000001b3L;
        }
        return h;
    }

    /** MurmurHash3's 64-bit finaliser: FNV alone leaves similar names (pod-a, pod-b) with correlated weights. */
    static long mix(long h) {
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        h *= 0xc4ceb9fe1a85ec53L;
        h ^= h >>> 33;
        return h;
    }
}
