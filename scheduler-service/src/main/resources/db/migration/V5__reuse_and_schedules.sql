-- Reusing results (issue 4): a job identical to an earlier succeeded one of its owner is answered
-- with that job's model version, unless it was submitted with `fresh` (always train).
alter table job add column fresh boolean not null default false;

-- Recurring training: a schedule's run trains on the owner's newest validated dataset whose name
-- starts with the schedule's prefix, so the scheduler keeps each dataset's name and validation time.
alter table dataset add column name text;
alter table dataset add column validated_at timestamptz;
create index dataset_owner_name on dataset (owner, name text_pattern_ops);

-- A cron schedule attached to a job template (docs/scheduling.md, "Recurring training").
create table schedule (
    id              uuid primary key,
    owner           text        not null,
    name            text        not null,
    cron            text        not null,
    time_zone       text        not null,
    dataset_prefix  text        not null,
    model           text        not null,
    recipe          text        not null,
    epochs          int         not null,
    -- as given: each run's job fills in the recipe's defaults like any submission
    hyperparameters jsonb,
    profile         text,
    priority_class  text,
    -- a run not succeeded this long after its fire time is flagged (null: no SLA)
    sla_seconds     bigint,
    max_retries     int         not null,
    enabled         boolean     not null,
    -- the next fire time not yet fired; null while disabled
    next_fire_at    timestamptz,
    created_at      timestamptz not null,
    updated_at      timestamptz not null,
    constraint schedule_owner_name_unique unique (owner, name)
);

create index schedule_due on schedule (next_fire_at) where enabled;

-- One row per fire: the primary key makes a fire that happens twice (two replicas, a restart) one run.
create table schedule_run (
    schedule_id   uuid        not null references schedule (id) on delete cascade,
    fire_time     timestamptz not null,
    -- the try of this run (1, then 2, 3 ... after failures, with backoff)
    attempt       int         not null,
    -- pending (a job is to be submitted at next_try_at), submitted, succeeded, failed, cancelled
    status        text        not null,
    job_id        uuid,
    reason        text,
    next_try_at   timestamptz,
    sla_missed_at timestamptz,
    created_at    timestamptz not null,
    finished_at   timestamptz,
    primary key (schedule_id, fire_time)
);

create index schedule_run_open on schedule_run (status) where status in ('pending', 'submitted');
