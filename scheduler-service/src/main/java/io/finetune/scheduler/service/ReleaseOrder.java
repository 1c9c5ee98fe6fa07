package io.finetune.scheduler.service;

import io.finetune.common.recipes.Recipe;
import io.finetune.scheduler.config.SchedulerConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Which queued jobs of a lane get its free slots: the scheduling policy, in one place, free of the
 * database so that the simulation benchmark drives this very code (docs/scheduling.md).
 *
 * <p>Jobs are released by priority class first. Within a class each job has a <em>release key</em>:
 * <pre>key = queuedAt + horizon * cost / (cost + halfCost) + fairShareStep * (owner's jobs holding a slot)</pre>
 * and the smallest key goes first. Among jobs queued at the same time the cheaper goes first
 * (shortest estimated job first); as time passes every waiting job's key stays put while new jobs
 * arrive with later keys, which is aging: a job is never overtaken in its class by one queued more
 * than {@link Policy#agingBound()} after it. An owner already holding slots gets a later key, so among
 * comparable jobs the user with fewer running jobs goes first; an owner at the running quota is held.
 */
@ApplicationScoped
public class ReleaseOrder {

    /**
     * @param agingHorizon the largest head start a cheap job gets over an expensive one
     * @param halfCost the estimated cost whose handicap is half the horizon
     * @param fairShareStep the handicap per slot the owner already holds
     * @param maxRunningPerUser the slots one owner may hold; beyond, its jobs are held
     */
    public record Policy(Duration agingHorizon, double halfCost, Duration fairShareStep, int maxRunningPerUser) {

        public static Policy of(SchedulerConfig.Policy config) {
            return new Policy(config.agingHorizon(), config.halfCost(), config.fairShareStep(),
                    config.maxRunningPerUser());
        }

        /** The handicap of a job of this estimated cost, in milliseconds: grows with cost, never beyond the horizon. */
        long handicapMillis(double cost) {
            return (long) (agingHorizon.toMillis() * (cost / (cost + halfCost)));
        }

        /** A job is never overtaken within its class by a job queued more than this after it. */
        public Duration agingBound() {
            return agingHorizon.plus(fairShareStep.multipliedBy(maxRunningPerUser));
        }
    }

    /**
     * A queued job as the policy sees it.
     *
     * @param job what the caller wants back (an entity, a simulated job)
     * @param id a stable tie-breaker
     * @param queuedAtMillis when it entered the queue, epoch milliseconds
     */
    public record Queued<T>(T job, String id, String owner, PriorityClass priorityClass, double cost,
            long queuedAtMillis) {
    }

    private final Policy policy;

    @Inject
    ReleaseOrder(SchedulerConfig config) {
        this(Policy.of(config.policy()));
    }

    public ReleaseOrder(Policy policy) {
        this.policy = policy;
    }

    public Policy policy() {
        return policy;
    }

    /** The estimated cost of training: rows seen (rows x epochs), weighted by how heavy the recipe is per row. */
    public static double estimatedCost(Long rows, int epochs, String recipe) {
        double factor = Recipe.fromWire(recipe).map(ReleaseOrder::recipeFactor).orElse(1.0);
        return (rows == null ? 0 : rows) * (double) epochs * factor;
    }

    /** Relative cost of one row-epoch; a new recipe must say how heavy it is (the switch is exhaustive). */
    static double recipeFactor(Recipe recipe) {
        return switch (recipe) {
            case TABULAR_CLASSIFICATION -> 1.0;
            // every row goes through the sentence encoder first: about 200x a tabular row on a CPU
            case TEXT_CLASSIFICATION -> 200.0;
        };
    }

    /**
     * The jobs to release now, at most {@code free}, in release order.
     *
     * @param holding the slots each owner holds now, across lanes
     */
    public <T> List<Queued<T>> pick(List<Queued<T>> queued, Map<String, Integer> holding, int free) {
        List<Queued<T>> picked = new ArrayList<>();
        if (free <= 0 || queued.isEmpty()) {
            return picked;
        }
        long[] base = new long[queued.size()];
        for (int i = 0; i < base.length; i++) {
            Queued<T> q = queued.get(i);
            base[i] = q.queuedAtMillis() + policy.handicapMillis(q.cost());
        }
        Map<String, Integer> held = new HashMap<>(holding);
        boolean[] taken = new boolean[base.length];
        long step = policy.fairShareStep().toMillis();
        // one linear pass per free slot: a release changes its owner's key, so no single sort serves all
        while (picked.size() < free) {
            int best = -1;
            long bestKey = 0;
            for (int i = 0; i < base.length; i++) {
                Queued<T> q = queued.get(i);
                int owned = taken[i] ? Integer.MAX_VALUE : held.getOrDefault(q.owner(), 0);
                if (owned >= policy.maxRunningPerUser()) {
                    continue;
                }
                long key = base[i] + step * owned;
                if (best < 0 || before(q, key, queued.get(best), bestKey)) {
                    best = i;
                    bestKey = key;
                }
            }
            if (best < 0) {
                break;
            }
            taken[best] = true;
            picked.add(queued.get(best));
            held.merge(queued.get(best).owner(), 1, Integer::sum);
        }
        return picked;
    }

    private static boolean before(Queued<?> a, long aKey, Queued<?> b, long bKey) {
        int byClass = a.priorityClass().compareTo(b.priorityClass());
        if (byClass != 0) {
            return byClass < 0;
        }
        if (aKey != bKey) {
            return aKey < bKey;
        }
        if (a.queuedAtMillis() != b.queuedAtMillis()) {
            return a.queuedAtMillis() < b.queuedAtMillis();
        }
        return a.id().compareTo(b.id()) < 0;
    }
}
