package io.smtpprobe.operator.sharding;

import java.util.List;

/**
 * What one replica believes at one moment: the live members, and whether it may act at all.
 *
 * @param self    this replica's identity
 * @param members live members, this replica included once it has joined, sorted
 * @param acting  this replica may probe and write status: its own Lease is current and has been
 *                visible long enough that every other member has seen it (see {@link ShardState})
 */
public record ShardView(String self, List<String> members, boolean acting) {

    public ShardView {
        members = List.copyOf(members);
    }

    /** Nobody: before the first renewal, and after this replica left. */
    public static ShardView idle(String self) {
        return new ShardView(self, List.of(), false);
    }

    /** This replica probes the resource with this uid, now. */
    public boolean owns(String uid) {
        return acting && uid != null && self.equals(Rendezvous.owner(uid, members));
    }

    /** The member this view assigns the resource to, acting or not; null without members. */
    public String ownerOf(String uid) {
        return Rendezvous.owner(uid, members);
    }
}
