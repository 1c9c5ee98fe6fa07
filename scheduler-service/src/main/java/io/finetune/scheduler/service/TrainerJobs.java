package io.finetune.scheduler.service;

import io.fabric8.kubernetes.api.model.DeletionPropagation;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.finetune.scheduler.config.KubernetesConfig;
import io.finetune.scheduler.entity.Job;
import io.quarkus.runtime.ShutdownEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import jakarta.transaction.Status;
import jakarta.transaction.Synchronization;
import jakarta.transaction.TransactionSynchronizationRegistry;
import jakarta.transaction.Transactional;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.jboss.logging.Logger;

/**
 * Stops a trainer on Kubernetes by deleting its Job (the pod goes with it), for a job past the
 * run-time limit: the cancel command asks the trainer, this does not depend on it listening. The
 * trainer's pod is the worker named in the job's training events; its Job is the pod's owner.
 */
@ApplicationScoped
public class TrainerJobs {

    /** The label the Job controller puts on its pods (Kubernetes 1.27+; {@code job-name} before). */
    static final String JOB_NAME_LABEL = "batch.kubernetes.io/job-name";

    private static final Logger LOG = Logger.getLogger(TrainerJobs.class);

    private final KubernetesConfig config;
    private final Instance<KubernetesClient> client;
    private final TransactionSynchronizationRegistry transactions;
    /** API calls never run inside the database transaction that decided them. */
    private final ExecutorService calls = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "trainer-jobs");
        t.setDaemon(true);
        return t;
    });

    TrainerJobs(KubernetesConfig config, Instance<KubernetesClient> client,
            TransactionSynchronizationRegistry transactions) {
        this.config = config;
        this.client = client;
        this.transactions = transactions;
    }

    /** Once the transaction that stopped the job commits, deletes its trainer's Job (nothing when off or unknown). */
    @Transactional(Transactional.TxType.MANDATORY)
    public void deleteAfterCommit(Job job) {
        if (!config.enabled() || job.worker == null) {
            return;
        }
        String pod = job.worker;
        transactions.registerInterposedSynchronization(new Synchronization() {
            @Override
            public void beforeCompletion() {
            }

            @Override
            public void afterCompletion(int status) {
                if (status == Status.STATUS_COMMITTED) {
                    calls.execute(() -> delete(pod));
                }
            }
        });
    }

    /** Deletes the Job that owns the pod; false when there is none (the pod or its Job is gone already). */
    boolean delete(String podName) {
        KubernetesClient kubernetes = client.get();
        String namespace = config.namespace().orElse(kubernetes.getNamespace());
        try {
            Pod pod = kubernetes.pods().inNamespace(namespace).withName(podName).get();
            Optional<String> jobName = pod == null ? Optional.empty() : jobOf(pod);
            if (jobName.isEmpty()) {
                LOG.infof("Trainer pod %s has no Job (any more) in %s", podName, namespace);
                return false;
            }
            kubernetes.batch().v1().jobs().inNamespace(namespace).withName(jobName.get())
                    .withPropagationPolicy(DeletionPropagation.BACKGROUND).delete();
            LOG.infof("Deleted trainer Job %s (pod %s) in %s", jobName.get(), podName, namespace);
            return true;
        } catch (KubernetesClientException e) {
            // the cancel command already went out; the Job's activeDeadlineSeconds is the last resort
            LOG.warnf("Cannot delete the Job of trainer pod %s: %s", podName, e.getMessage());
            return false;
        }
    }

    private static Optional<String> jobOf(Pod pod) {
        Optional<String> owner = pod.getMetadata().getOwnerReferences().stream()
                .filter(o -> "Job".equals(o.getKind())).map(OwnerReference::getName).findFirst();
        return owner.or(() -> Optional.ofNullable(pod.getMetadata().getLabels()).map(l -> l.get(JOB_NAME_LABEL)));
    }

    void stop(@Observes ShutdownEvent event) {
        calls.shutdown();
    }
}
