package io.finetune.common.problem;

import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientConnectionException;
import java.util.function.Predicate;

/**
 * Whether a failure means the database cannot be reached (down, restarting, refusing connections,
 * or the pool timed out waiting for one), as opposed to a failure of the request or event itself.
 * The first is worth a retry: a REST call answers 503 + Retry-After, a consumer tries the event again
 * instead of setting it aside on its dead-letter topic. A predicate class, so that SmallRye Fault
 * Tolerance's {@code @RetryWhen(exception = DatabaseUnavailable.class)} can use it.
 */
public class DatabaseUnavailable implements Predicate<Throwable> {

    @Override
    public boolean test(Throwable failure) {
        return matches(failure);
    }

    public static boolean matches(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SQLTransientConnectionException || t instanceof SQLNonTransientConnectionException
                    || t instanceof SQLRecoverableException) {
                return true;
            }
            if (t instanceof SQLException sql && (connectionState(sql.getSQLState()) || poolTimeout(sql))) {
                return true;
            }
        }
        return false;
    }

    /**
     * SQLSTATE class 08 (connection exception), and PostgreSQL's 57P01-57P03: the server shut down
     * (admin or crash) or is still starting.
     */
    private static boolean connectionState(String state) {
        return state != null && (state.startsWith("08") || state.equals("57P01") || state.equals("57P02")
                || state.equals("57P03"));
    }

    /** Agroal's answer when no connection could be had in time (its SQLException carries no state). */
    private static boolean poolTimeout(SQLException e) {
        return e.getSQLState() == null && e.getMessage() != null && e.getMessage().startsWith("Acquisition timeout");
    }
}
