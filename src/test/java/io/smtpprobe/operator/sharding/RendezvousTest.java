package io.smtpprobe.operator.sharding;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class RendezvousTest {
    private static final List<String> UIDS = IntStream.range(0, 30_000)
            .mapToObj(i -> new UUID(0x5eed_0000_0000_0000L + i * 7919L, i * 104729L).toString()).toList();

    @Test
    void threeMembersShareThirtyThousandResourcesWithinTwoPercentOfAThird() {
        var members = List.of("smtp-probe-operator-7d9f-abcde", "smtp-probe-operator-7d9f-fghij", "smtp-probe-operator-7d9f-klmno");
        Map<String, Integer> share = new HashMap<>();
        UIDS.forEach(uid -> share.merge(Rendezvous.owner(uid, members), 1, Integer::sum));
        assertThat(share).hasSize(3);
        assertThat(share.values()).allSatisfy(n -> assertThat(n).isBetween(9_800, 10_200));
    }

    @Test
    void aJoiningMemberTakesAboutAQuarterAndOnlyForItself() {
        var three = List.of("op-a", "op-b", "op-c");
        var four = List.of("op-a", "op-b", "op-c", "op-d");
        long moved = 0;
        for (String uid : UIDS) {
            String before = Rendezvous.owner(uid, three);
            String after = Rendezvous.owner(uid, four);
            if (!before.equals(after)) {
                moved++;
                assertThat(after).as("a join moves resources only to the joiner").isEqualTo("op-d");
            }
        }
        assertThat(moved / (double) UIDS.size()).isBetween(0.23, 0.27);
    }

    @Test
    void aLeavingMembersResourcesAloneMove() {
        var three = List.of("op-a", "op-b", "op-c");
        var two = List.of("op-a", "op-c");
        for (String uid : UIDS) {
            String before = Rendezvous.owner(uid, three);
            if (!before.equals("op-b")) {
                assertThat(Rendezvous.owner(uid, two)).isEqualTo(before);
            }
        }
    }

    @Test
    void theOwnerDoesNotDependOnTheOrderOfMembers() {
        UIDS.stream().limit(1000).forEach(uid -> assertThat(Rendezvous.owner(uid, List.of("x", "y", "z")))
                .isEqualTo(Rendezvous.owner(uid, List.of("z", "x", "y"))));
        assertThat(Rendezvous.owner("any", List.of())).isNull();
    }
}
