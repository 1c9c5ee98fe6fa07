package io.finetune.common.problem;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import org.junit.jupiter.api.Test;

/** A database that cannot be reached is a 503 the caller may retry; a failing statement stays a 500. */
class DatabaseUnavailableTest {

    /** What Hibernate or a transaction manager throws, with the driver's exception further down. */
    private static RuntimeException wrapped(Throwable driver) {
        return new RuntimeException("could not prepare statement", new IllegalStateException("wrapper", driver));
    }

    @Test
    void recognisesConnectionFailuresDownTheCauseChain() {
        assertTrue(DatabaseUnavailable.matches(wrapped(new SQLException("Connection to 127.0.0.1:5432 refused", "08001"))));
        assertTrue(DatabaseUnavailable.matches(wrapped(new SQLException("An I/O error occurred", "08006"))));
        assertTrue(DatabaseUnavailable.matches(wrapped(new SQLException("terminating connection due to administrator command", "57P01"))));
        assertTrue(DatabaseUnavailable.matches(wrapped(new SQLException("the database system is starting up", "57P03"))));
        assertTrue(DatabaseUnavailable.matches(wrapped(new SQLTransientConnectionException("gone"))));
        assertTrue(DatabaseUnavailable.matches(wrapped(new SQLException("Acquisition timeout while waiting for new connection"))));
    }

    @Test
    void leavesOtherFailuresAlone() {
        assertFalse(DatabaseUnavailable.matches(wrapped(new SQLException("duplicate key value", "23505"))));
        assertFalse(DatabaseUnavailable.matches(wrapped(new SQLException("syntax error", "42601"))));
        assertFalse(DatabaseUnavailable.matches(new IllegalStateException("no database involved")));
    }

    @Test
    void answers503WithRetryAfterOnlyWhenTheDatabaseIsUnavailable() {
        ProblemMappers mappers = new ProblemMappers();
        Response down = mappers.unexpected(wrapped(new SQLException("Connection refused", "08001")));
        assertEquals(503, down.getStatus());
        assertEquals(Problem.MEDIA_TYPE, down.getMediaType().toString());
        assertEquals(String.valueOf(ProblemMappers.DATABASE_RETRY_AFTER_SECONDS), down.getHeaderString(HttpHeaders.RETRY_AFTER));
        Response broken = mappers.unexpected(wrapped(new SQLException("duplicate key value", "23505")));
        assertEquals(500, broken.getStatus());
        assertEquals(null, broken.getHeaderString(HttpHeaders.RETRY_AFTER));
    }
}
