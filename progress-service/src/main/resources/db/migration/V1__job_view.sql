-- The queryable view of jobs, materialized from jobs.events (scheduler) and training.events (trainers).
-- The two topics are not ordered with each other, so a row may first be created by a trainer event
-- (job_sequence = 0, only owner and trainer facts) and completed when the scheduler's events arrive.
create table job_view (
    id                uuid primary key,
    owner             text not null,
    name              text,
    status            text,
    reason            text,
    recipe            text,
    dataset_id        uuid,
    epochs            integer,
    hyperparameters   jsonb,
    -- the earliest event time seen: the job's first transition once every event has arrived
    created_at        timestamptz not null,
    queued_at         timestamptz,
    started_at        timestamptz,
    finished_at       timestamptz,
    model_uri         text,
    -- highest JobEvent sequence applied; 0 while only trainer events have been seen
    job_sequence      bigint not null default 0,
    -- highest TrainingEvent sequence seen (attempt << 32 | counter)
    training_sequence bigint not null default 0
);

create index job_view_owner_created on job_view (owner, created_at desc, id);

-- One row per completed epoch; a later attempt's report of the same epoch replaces an earlier one.
-- Kept by job id only, so epochs that arrive before the job's first JobEvent are never lost.
create table epoch_history (
    job_id               uuid not null,
    epoch                integer not null,
    train_loss           double precision,
    train_accuracy       double precision,
    validation_loss      double precision,
    validation_accuracy  double precision,
    samples_per_second   double precision,
    elapsed_millis       bigint,
    completed_at         timestamptz not null,
    sequence             bigint not null,
    primary key (job_id, epoch)
);

-- Ids of the events already applied: a redelivered event is dropped by its id.
create table processed_event (
    event_id      uuid primary key,
    processed_at  timestamptz not null default now()
);
