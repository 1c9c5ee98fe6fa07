package io.finetune.progress.messaging;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.finetune.progress.service.JobChanges;
import io.finetune.progress.service.JobProjection;
import io.finetune.progress.service.LiveUpdates;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.io.IOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

/**
 * Listens to the projection's PostgreSQL notifications ({@link JobProjection#CHANGES_CHANNEL}) on a
 * connection of its own and hands the changes to {@link LiveUpdates}, those that arrived together
 * merged per owner. PostgreSQL sends them
 * after the commit and to every instance, so an SSE client sees a change whichever instance
 * consumed the event, and never before it can read it.
 */
@ApplicationScoped
public class ChangeListener {

    private static final Logger LOG = Logger.getLogger(ChangeListener.class);

    private final LiveUpdates live;
    private final ObjectMapper json;
    private final String url;
    private final String user;
    private final String password;
    private volatile boolean running = true;
    private Thread thread;

    public ChangeListener(LiveUpdates live, ObjectMapper json,
            @ConfigProperty(name = "quarkus.datasource.jdbc.url") String url,
            @ConfigProperty(name = "quarkus.datasource.username") String user,
            @ConfigProperty(name = "quarkus.datasource.password") String password) {
        this.live = live;
        this.json = json;
        this.url = url;
        this.user = user;
        this.password = password;
    }

    void onStart(@Observes StartupEvent event) {
        thread = new Thread(this::run, "progress-change-listener");
        thread.setDaemon(true);
        thread.start();
    }

    void onStop(@Observes ShutdownEvent event) throws InterruptedException {
        running = false;
        thread.join(2000);
    }

    private void run() {
        while (running) {
            try (Connection c = DriverManager.getConnection(url, user, password)) {
                try (Statement s = c.createStatement()) {
                    s.execute("listen " + JobProjection.CHANGES_CHANNEL);
                }
                PGConnection pg = c.unwrap(PGConnection.class);
                while (running) {
                    PGNotification[] notifications = pg.getNotifications(500);
                    if (notifications != null) {
                        dispatch(notifications);
                    }
                }
            } catch (SQLException e) {
                if (running) {
                    LOG.warn("Lost the change notifications; reconnecting in 1 s", e);
                    sleep();
                }
            }
        }
    }

    /** Everything that arrived since the last call, one owner at a time. */
    private void dispatch(PGNotification[] notifications) {
        List<JobChanges> changes = new ArrayList<>(notifications.length);
        for (PGNotification n : notifications) {
            try {
                changes.add(json.readValue(n.getParameter(), JobChanges.class));
            } catch (IOException e) {
                LOG.warnf(e, "Could not read the change %s", n.getParameter());
            }
        }
        for (JobChanges owner : JobChanges.coalesce(changes)) {
            try {
                live.changed(owner);
            } catch (RuntimeException e) {
                LOG.warnf(e, "Could not send the changes of %s", owner.owner());
            }
        }
    }

    private static void sleep() {
        try {
            Thread.sleep(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
