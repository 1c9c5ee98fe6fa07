package io.finetune.scheduler.service;

import com.cronutils.model.CronType;
import com.cronutils.model.definition.CronDefinitionBuilder;
import com.cronutils.model.time.ExecutionTime;
import com.cronutils.parser.CronParser;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.Optional;

/** Unix cron expressions (cron-utils): parsing them, and the fire times they give in a zone. */
final class CronTimes {

    private static final CronParser PARSER = new CronParser(CronDefinitionBuilder.instanceDefinitionFor(CronType.UNIX));

    private final ExecutionTime times;
    private final ZoneId zone;

    private CronTimes(ExecutionTime times, ZoneId zone) {
        this.times = times;
        this.zone = zone;
    }

    /** @throws IllegalArgumentException with the parser's message when the expression is not valid Unix cron */
    static CronTimes of(String cron, ZoneId zone) {
        return new CronTimes(ExecutionTime.forCron(PARSER.parse(cron).validate()), zone);
    }

    /** The first fire time strictly after {@code after}; empty when the expression never fires again. */
    Optional<Instant> next(Instant after) {
        return times.nextExecution(ZonedDateTime.ofInstant(after, zone)).map(ZonedDateTime::toInstant);
    }
}
