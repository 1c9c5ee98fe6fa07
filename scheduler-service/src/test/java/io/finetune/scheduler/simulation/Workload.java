package io.finetune.scheduler.simulation;

import io.finetune.scheduler.service.PriorityClass;
import io.finetune.scheduler.service.Profile;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;

/**
 * A synthetic, seeded stream of submissions: many users, small interactive experiments and large
 * production runs with heavy-tailed sizes, arriving faster than the slots can serve for a while.
 *
 * @param jobs in arrival order
 */
record Workload(List<Job> jobs) {

    /** Training throughput that turns an estimated cost (rows x epochs) into seconds. */
    static final double ROWS_PER_SECOND = 20_000;

    /**
     * @param runSeconds the real run time: the estimate is only an estimate (log-normal error)
     */
    record Job(int id, String owner, Profile profile, PriorityClass priorityClass, double cost, long arrivalSeconds,
            long runSeconds) {
    }

    /**
     * @param users distinct submitters
     * @param hours how long submissions keep arriving
     * @param load offered work / capacity in each lane while they arrive (> 1: more demand than slots)
     */
    static Workload generate(long seed, int users, double hours, double load, int interactiveSlots,
            int productionSlots) {
        Random random = new Random(seed);
        List<Job> jobs = new ArrayList<>();
        double horizon = hours * 3600;
        // interactive: median 4 min, mean ~6.6 min; production: median 1.2 h, mean ~1.65 h
        addLane(jobs, random, users, Profile.INTERACTIVE, 240, 1.0, interactiveSlots * load, horizon);
        addLane(jobs, random, users, Profile.PRODUCTION, 4320, 0.8, productionSlots * load, horizon);
        jobs.sort(Comparator.comparingLong(Job::arrivalSeconds).thenComparingInt(Job::id));
        List<Job> numbered = new ArrayList<>();
        for (Job j : jobs) {
            numbered.add(new Job(numbered.size(), j.owner(), j.profile(), j.priorityClass(), j.cost(),
                    j.arrivalSeconds(), j.runSeconds()));
        }
        return new Workload(numbered);
    }

    private static void addLane(List<Job> jobs, Random random, int users, Profile profile, double medianSeconds,
            double sigma, double busySlots, double horizon) {
        double meanSeconds = medianSeconds * Math.exp(sigma * sigma / 2);
        double arrivalsPerSecond = busySlots / meanSeconds;
        double t = 0;
        while (true) {
            t += -Math.log(1 - random.nextDouble()) / arrivalsPerSecond;
            if (t > horizon) {
                return;
            }
            double estimate = Math.min(medianSeconds * Math.exp(sigma * random.nextGaussian()), 3 * 24 * 3600);
            long run = Math.max(1, Math.round(estimate * Math.exp(0.25 * random.nextGaussian())));
            // some users submit far more than others (Zipf-like): the fair share has something to do
            String owner = "user-" + (int) Math.floor(users * Math.pow(random.nextDouble(), 1.6));
            PriorityClass priority = profile == Profile.PRODUCTION && random.nextDouble() < 0.2 ? PriorityClass.BATCH
                    : profile.defaultPriority();
            jobs.add(new Job(jobs.size(), owner, profile, priority, estimate * ROWS_PER_SECOND, Math.round(t), run));
        }
    }
}
