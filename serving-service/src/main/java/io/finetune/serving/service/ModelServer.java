package io.finetune.serving.service;

import io.finetune.common.events.ModelEvent;
import io.finetune.common.problem.ProblemException;
import io.finetune.serving.config.ServingConfig;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.jboss.logging.Logger;

/**
 * Every known version of every model, and the few that are loaded. Decides which loaded version
 * answers a request:
 * <ul>
 * <li>{@code latest} is the highest registered version that has not failed to load. Until it is
 * loaded, the highest loaded version below it keeps answering, so a new version takes over only once
 * it loaded and passed its smoke prediction (the swap), and a broken one never takes over.</li>
 * <li>After the swap the older loaded versions of the model are retired: predictions running on them
 * finish, then they are closed ({@link LoadedModel}).</li>
 * <li>At most {@code serving.max-loaded-models} versions stay loaded; the least recently used goes.</li>
 * </ul>
 * All bookkeeping is under one lock held for a few map operations; predictions run outside it.
 */
@ApplicationScoped
public class ModelServer {

    private static final Logger LOG = Logger.getLogger(ModelServer.class);

    private final VersionLoader loader;
    private final ServingConfig config;
    private final ExecutorService loads;
    private final Timer loaded;
    private final Timer failed;
    private final Counter evictions;

    private final Object lock = new Object();
    /** By {@code owner/model}; guarded by {@link #lock}. */
    private final Map<String, ServedModel> models = new HashMap<>();

    public ModelServer(VersionLoader loader, ServingConfig config, MeterRegistry registry) {
        this.loader = loader;
        this.config = config;
        AtomicInteger threads = new AtomicInteger();
        this.loads = Executors.newFixedThreadPool(config.loadThreads(), r -> {
            Thread t = new Thread(r, "model-loader-" + threads.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        this.loaded = Timer.builder("serving.model.load").description("Cold load of a model version: download, load, smoke prediction")
                .tag("outcome", "loaded").register(registry);
        this.failed = Timer.builder("serving.model.load").description("Cold load of a model version: download, load, smoke prediction")
                .tag("outcome", "failed").register(registry);
        this.evictions = Counter.builder("serving.model.evictions")
                .description("Versions unloaded because more than serving.max-loaded-models were loaded").register(registry);
        Gauge.builder("serving.models.loaded", this, s -> s.loadedVersions().size())
                .description("Model versions in memory").register(registry);
    }

    /**
     * Records a version from {@code models.events} (a repeat is ignored). A new highest version that
     * arrives live (not while the topic is replayed at start-up, when every model of the topic's history
     * would compete for memory) is loaded at once when the model has a version in memory (it replaces
     * it) or there is room; any other version is loaded by the first request for it.
     */
    public void register(ModelVersion version, boolean live) {
        synchronized (lock) {
            ServedModel m = models.computeIfAbsent(version.key(), k -> new ServedModel());
            if (m.versions.putIfAbsent(version.version(), version) != null) {
                return;
            }
            LOG.infof("Registered %s (%s)", version, version.artifactUri());
            boolean newest = version.version() == m.versions.lastKey();
            if (live && newest && (!m.loaded.isEmpty() || loadedOrLoading() < config.maxLoadedModels())) {
                startLoad(m, version);
            }
        }
    }

    /**
     * The loaded version that answers a request, reserved for the caller, who must
     * {@link LoadedModel#release()} it.
     *
     * @param requested a version number, or null for {@code latest}
     * @throws ProblemException 404 for a model or version the owner does not have
     * @throws ModelNotReadyException while the version loads (its load has been started)
     */
    public LoadedModel acquire(String owner, String model, Integer requested) {
        synchronized (lock) {
            ServedModel m = models.get(ModelEvent.key(owner, model));
            if (m == null) {
                throw ProblemException.notFound("Model " + model);
            }
            long now = System.nanoTime();
            int target;
            if (requested == null) {
                target = m.latest(now, config.failedLoadBackoff().toNanos());
                if (target == 0) {
                    throw new ModelNotReadyException("No version of model " + model + " could be loaded",
                            config.failedLoadBackoff());
                }
            } else {
                if (!m.versions.containsKey(requested)) {
                    throw ProblemException.notFound("Version " + requested + " of model " + model);
                }
                if (m.failedRecently(requested, now, config.failedLoadBackoff().toNanos())) {
                    throw new ModelNotReadyException("Version " + requested + " of model " + model + " could not be loaded",
                            config.failedLoadBackoff());
                }
                target = requested;
            }
            // A version in the map holds the server's reference, so acquiring it cannot fail
            LoadedModel ready = m.loaded.get(target);
            if (ready != null && ready.acquire()) {
                return ready;
            }
            startLoad(m, m.versions.get(target));
            if (requested == null) {
                for (LoadedModel older : m.loaded.headMap(target, false).descendingMap().values()) {
                    if (older.acquire()) {
                        return older;
                    }
                }
            }
            throw new ModelNotReadyException("Version " + target + " of model " + model + " is loading", config.retryAfter());
        }
    }

    /** The versions in memory now. */
    public List<ModelVersion> loadedVersions() {
        synchronized (lock) {
            return models.values().stream().flatMap(m -> m.loaded.values().stream()).map(LoadedModel::version).toList();
        }
    }

    /** Guarded by {@link #lock}. */
    private void startLoad(ServedModel m, ModelVersion version) {
        if (m.loaded.containsKey(version.version()) || !m.loading.add(version.version())) {
            return;
        }
        LOG.infof("Loading %s", version);
        loads.execute(() -> load(version));
    }

    private void load(ModelVersion version) {
        Timer.Sample sample = Timer.start();
        LoadedModel model;
        try {
            model = loader.load(version);
        } catch (Exception | LinkageError e) {
            long nanos = sample.stop(failed);
            LOG.errorf(e, "%s could not be loaded after %d ms and will not serve; the previous version keeps serving",
                    version, TimeUnit.NANOSECONDS.toMillis(nanos));
            synchronized (lock) {
                ServedModel m = models.get(version.key());
                m.loading.remove(version.version());
                m.failedAt.put(version.version(), System.nanoTime());
            }
            return;
        }
        long nanos = sample.stop(loaded);
        LOG.infof("Loaded %s in %d ms", version, TimeUnit.NANOSECONDS.toMillis(nanos));
        List<LoadedModel> retired = new ArrayList<>();
        synchronized (lock) {
            ServedModel m = models.get(version.key());
            m.loading.remove(version.version());
            m.failedAt.remove(version.version());
            m.loaded.put(version.version(), model);
            if (m.latest(System.nanoTime(), config.failedLoadBackoff().toNanos()) == version.version()) {
                // The swap: latest routes here from now on; older versions only cost memory
                Map<Integer, LoadedModel> older = m.loaded.headMap(version.version(), false);
                retired.addAll(older.values());
                older.clear();
            }
            retired.addAll(evictBeyondBound(model));
        }
        retired.forEach(LoadedModel::retire);
    }

    /** Guarded by {@link #lock}: drops least recently used versions (never {@code keep}) down to the bound. */
    private List<LoadedModel> evictBeyondBound(LoadedModel keep) {
        List<LoadedModel> evicted = new ArrayList<>();
        List<LoadedModel> candidates = new ArrayList<>(models.values().stream()
                .flatMap(m -> m.loaded.values().stream()).filter(l -> l != keep).toList());
        candidates.sort(Comparator.comparingLong(LoadedModel::lastUsedNanos));
        int excess = candidates.size() + 1 - config.maxLoadedModels();
        for (int i = 0; i < excess && i < candidates.size(); i++) {
            LoadedModel lru = candidates.get(i);
            models.get(lru.version().key()).loaded.remove(lru.version().version());
            evicted.add(lru);
            evictions.increment();
            LOG.infof("Evicting %s, the least recently used of %d loaded versions", lru.version(), candidates.size() + 1);
        }
        return evicted;
    }

    /** Guarded by {@link #lock}. */
    private int loadedOrLoading() {
        return models.values().stream().mapToInt(m -> m.loaded.size() + m.loading.size()).sum();
    }

    @PreDestroy
    void shutdown() {
        loads.shutdownNow();
        Collection<LoadedModel> all;
        synchronized (lock) {
            all = models.values().stream().flatMap(m -> m.loaded.values().stream()).toList();
            models.values().forEach(m -> m.loaded.clear());
        }
        all.forEach(LoadedModel::retire);
    }

    /** One model's versions; guarded by {@link ModelServer#lock}. */
    private static final class ServedModel {
        final TreeMap<Integer, ModelVersion> versions = new TreeMap<>();
        final TreeMap<Integer, LoadedModel> loaded = new TreeMap<>();
        final Set<Integer> loading = new HashSet<>();
        /** When each version's last load failed ({@link System#nanoTime()}). */
        final Map<Integer, Long> failedAt = new HashMap<>();

        boolean failedRecently(int version, long now, long backoffNanos) {
            Long at = failedAt.get(version);
            return at != null && now - at < backoffNanos;
        }

        /** The version {@code latest} resolves to: the highest that has not failed recently, 0 for none. */
        int latest(long now, long backoffNanos) {
            for (int version : versions.descendingKeySet()) {
                if (!failedRecently(version, now, backoffNanos)) {
                    return version;
                }
            }
            return 0;
        }
    }
}
