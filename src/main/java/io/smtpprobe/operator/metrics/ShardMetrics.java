package io.smtpprobe.operator.metrics;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.function.BooleanSupplier;
import java.util.function.IntSupplier;
import java.util.function.LongSupplier;

/**
 * The share of one replica when sharding: how many members it sees, whether it acts, and how many
 * resources it owns. Summed over replicas (each exports its own, labelled with its name), the owned
 * resources add up to the fleet once the views agree; a scrape of all pods shows the spread.
 */
public final class ShardMetrics {
    public static final String MEMBERS = "smtpprobe.shard.members";
    public static final String ACTING = "smtpprobe.shard.acting";
    public static final String OWNED = "smtpprobe.shard.owned.resources";

    /** Registered with strong references: Micrometer holds a gauge's object only weakly. */
    private final IntSupplier members;
    private final BooleanSupplier acting;
    private final LongSupplier owned;

    public ShardMetrics(MeterRegistry registry, String replica, IntSupplier members, BooleanSupplier acting, LongSupplier owned) {
        this.members = members;
        this.acting = acting;
        this.owned = owned;
        Gauge.builder(MEMBERS, this, m -> m.members.getAsInt()).tag("replica", replica)
                .description("Live replicas in this replica's view of the shard group").register(registry);
        Gauge.builder(ACTING, this, m -> m.acting.getAsBoolean() ? 1 : 0).tag("replica", replica)
                .description("1 while this replica probes its share; 0 while it joins, or lost contact with the API server")
                .register(registry);
        Gauge.builder(OWNED, this, m -> m.owned.getAsLong()).tag("replica", replica)
                .description("SmtpProbe resources this replica probes (its share)").register(registry);
    }
}
