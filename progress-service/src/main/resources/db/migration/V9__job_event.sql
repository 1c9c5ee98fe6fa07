-- Issue 6: the events of a job (what happened, when, why): every scheduler transition and the
-- trainers' lifecycle reports (not epoch reports, which are epoch_history, nor heartbeats). Keyed by
-- the event's id, so a redelivered or replayed event adds no second row.
create table job_event (
    job_id     uuid        not null,
    event_id   uuid        not null,
    type       text        not null,
    time       timestamptz not null,
    sequence   bigint      not null,
    status     text,
    reason     text,
    attempt    integer,
    worker     text,
    error_kind text,
    message    text,
    primary key (job_id, event_id)
);
