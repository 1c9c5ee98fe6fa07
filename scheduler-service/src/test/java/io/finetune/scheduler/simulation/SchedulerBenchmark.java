package io.finetune.scheduler.simulation;

import io.finetune.scheduler.service.PriorityClass;
import io.finetune.scheduler.service.Profile;
import io.finetune.scheduler.service.ReleaseOrder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Runs the real release order and FIFO on the same synthetic workload and prints the figures side
 * by side (dev/bench-scheduler; docs/scheduling.md). No assertions: SimulationTest checks the
 * qualitative properties; the goals are printed next to the figures.
 */
public final class SchedulerBenchmark {

    static final Map<Profile, Integer> SLOTS = Map.of(Profile.INTERACTIVE, 8, Profile.PRODUCTION, 16);
    /** The service's defaults (application.properties); -Dbench.<parameter> tries others. */
    static final ReleaseOrder.Policy POLICY = new ReleaseOrder.Policy(
            Duration.parse(System.getProperty("bench.aging-horizon", "PT12H")),
            Double.parseDouble(System.getProperty("bench.half-cost", "50000000")),
            Duration.parse(System.getProperty("bench.fair-share-step", "PT10M")),
            Integer.getInteger("bench.max-running-per-user", 2));

    private SchedulerBenchmark() {
    }

    public static void main(String[] args) {
        long seed = args.length > 0 ? Long.parseLong(args[0]) : 42;
        int users = 120;
        Workload workload = Workload.generate(seed, users, 12, 1.3, SLOTS.get(Profile.INTERACTIVE),
                SLOTS.get(Profile.PRODUCTION));
        Simulation.Result fifo = Simulation.run(workload, SLOTS, Simulation.fifo());
        Simulation.Result policy = Simulation.run(workload, SLOTS, Simulation.policy(new ReleaseOrder(POLICY)));

        long interactive = workload.jobs().stream().filter(j -> j.profile() == Profile.INTERACTIVE).count();
        System.out.printf("workload: seed %d, %d jobs (%d interactive, %d production) from %d users over 12 h at %.1fx"
                        + " the capacity of %d interactive + %d production slots, then drained%n", seed,
                workload.jobs().size(), interactive, workload.jobs().size() - interactive, users, 1.3,
                SLOTS.get(Profile.INTERACTIVE), SLOTS.get(Profile.PRODUCTION));
        System.out.printf("policy: aging horizon %s, half cost %.0f, fair-share step %s, max running per user %d"
                        + " (aging bound %s)%n%n", POLICY.agingHorizon(), POLICY.halfCost(), POLICY.fairShareStep(),
                POLICY.maxRunningPerUser(), POLICY.agingBound());
        System.out.printf("%-52s %14s %14s %10s  %s%n", "figure", "FIFO", "policy", "ratio", "goal");
        row("mean wait, all jobs (min)", meanWait(fifo.outcomes()) / 60, meanWait(policy.outcomes()) / 60,
                "<= 0.60");
        for (Profile p : Profile.values()) {
            row("mean wait, " + p.wireName() + " (min)", meanWait(of(fifo, p)) / 60, meanWait(of(policy, p)) / 60, "");
        }
        row("mean wait, batch class (min)", meanWait(ofClass(fifo, PriorityClass.BATCH)) / 60,
                meanWait(ofClass(policy, PriorityClass.BATCH)) / 60, "");
        List<Simulation.Outcome> fifoLargest = largest(fifo.outcomes());
        List<Simulation.Outcome> policyLargest = largest(policy.outcomes());
        row("p99 wait, largest 5% per lane (min)", percentile(fifoLargest, 0.99) / 60,
                percentile(policyLargest, 0.99) / 60, "");
        row("max wait, largest 5% per lane (min)", percentile(fifoLargest, 1.0) / 60,
                percentile(policyLargest, 1.0) / 60, "<= 2.00");
        row("max wait, any job (min)", percentile(fifo.outcomes(), 1.0) / 60,
                percentile(policy.outcomes(), 1.0) / 60, "");
        row("slot utilisation while work is queued (%)", 100 * fifo.utilisationWhileQueued(),
                100 * policy.utilisationWhileQueued(), ">= 95% (policy)");
        double[] fifoSpread = userSpread(fifo.outcomes());
        double[] policySpread = userSpread(policy.outcomes());
        row("per-user mean slowdown, p90/p10 across users", fifoSpread[0], policySpread[0], "lower is fairer");
        row("per-user mean slowdown, Jain index (1 = equal)", fifoSpread[1], policySpread[1], "higher is fairer");
        orderingCost();
    }

    private static void row(String name, double fifo, double policy, String goal) {
        System.out.printf("%-52s %14.2f %14.2f %10.2f  %s%n", name, fifo, policy, fifo == 0 ? Double.NaN : policy / fifo,
                goal);
    }

    static List<Simulation.Outcome> of(Simulation.Result result, Profile profile) {
        return result.outcomes().stream().filter(o -> o.job().profile() == profile).toList();
    }

    static List<Simulation.Outcome> ofClass(Simulation.Result result, PriorityClass priority) {
        return result.outcomes().stream().filter(o -> o.job().priorityClass() == priority).toList();
    }

    static double meanWait(List<Simulation.Outcome> outcomes) {
        return outcomes.stream().mapToLong(Simulation.Outcome::waitSeconds).average().orElse(0);
    }

    /** The largest 5% of each lane's jobs by estimated cost: the ones shortest-first could starve. */
    static List<Simulation.Outcome> largest(List<Simulation.Outcome> outcomes) {
        List<Simulation.Outcome> largest = new ArrayList<>();
        for (Profile p : Profile.values()) {
            List<Simulation.Outcome> lane = outcomes.stream().filter(o -> o.job().profile() == p)
                    .sorted(Comparator.comparingDouble((Simulation.Outcome o) -> o.job().cost()).reversed()).toList();
            largest.addAll(lane.subList(0, Math.max(1, lane.size() / 20)));
        }
        return largest;
    }

    static double percentile(List<Simulation.Outcome> outcomes, double q) {
        long[] waits = outcomes.stream().mapToLong(Simulation.Outcome::waitSeconds).sorted().toArray();
        return waits.length == 0 ? 0 : waits[(int) Math.min(waits.length - 1, Math.ceil(q * waits.length) - 1)];
    }

    /** Per user, the mean slowdown (wait + run) / run of its jobs; returns {p90/p10, Jain's index} across users. */
    static double[] userSpread(List<Simulation.Outcome> outcomes) {
        Map<String, double[]> perUser = new HashMap<>();
        for (Simulation.Outcome o : outcomes) {
            double[] acc = perUser.computeIfAbsent(o.job().owner(), u -> new double[2]);
            acc[0] += (double) (o.waitSeconds() + o.job().runSeconds()) / o.job().runSeconds();
            acc[1]++;
        }
        double[] slowdowns = perUser.values().stream().mapToDouble(a -> a[0] / a[1]).sorted().toArray();
        double p10 = slowdowns[(int) (0.1 * (slowdowns.length - 1))];
        double p90 = slowdowns[(int) (0.9 * (slowdowns.length - 1))];
        double sum = Arrays.stream(slowdowns).sum();
        double squares = Arrays.stream(slowdowns).map(x -> x * x).sum();
        return new double[] {p90 / p10, sum * sum / (slowdowns.length * squares)};
    }

    /** The cost of one release decision with 10,000 jobs queued in a lane, for one and for eight free slots. */
    private static void orderingCost() {
        Random random = new Random(7);
        List<ReleaseOrder.Queued<Integer>> queued = new ArrayList<>();
        for (int i = 0; i < 10_000; i++) {
            queued.add(new ReleaseOrder.Queued<>(i, Integer.toString(i), "user-" + random.nextInt(500),
                    PriorityClass.values()[random.nextInt(3)], Math.exp(10 + 5 * random.nextDouble()),
                    random.nextInt(86_400_000)));
        }
        Map<String, Integer> holding = new HashMap<>();
        for (int u = 0; u < 500; u += 3) {
            holding.put("user-" + u, 1 + u % 2);
        }
        ReleaseOrder policy = new ReleaseOrder(POLICY);
        System.out.println();
        for (int free : new int[] {1, 8}) {
            double fifoMicros = micros(() -> queued.stream()
                    .sorted(Comparator.comparingLong(ReleaseOrder.Queued<Integer>::queuedAtMillis)).limit(free).toList());
            double policyMicros = micros(() -> policy.pick(queued, holding, free));
            System.out.printf("%-52s %14.1f %14.1f %10.2f  %s%n", "ordering cost, 10,000 queued, " + free
                    + " free (us, median)", fifoMicros, policyMicros, policyMicros / fifoMicros, "");
        }
    }

    private static double micros(Runnable decision) {
        for (int i = 0; i < 200; i++) {
            decision.run();
        }
        long[] samples = new long[201];
        for (int i = 0; i < samples.length; i++) {
            long start = System.nanoTime();
            decision.run();
            samples[i] = System.nanoTime() - start;
        }
        Arrays.sort(samples);
        return samples[samples.length / 2] / 1000.0;
    }
}
