-- The scheduler's copy of each dataset it has heard of on datasets.events.
create table dataset (
    id         uuid primary key,
    owner      text   not null,
    status     text   not null,
    object_key text,
    rows       bigint,
    bytes      bigint,
    -- the dataset event's sequence, so that a replayed older event never overwrites a newer one
    sequence   bigint not null
);

create table job (
    id              uuid primary key,
    owner           text        not null,
    name            text        not null,
    dataset_id      uuid        not null,
    recipe          text        not null,
    epochs          int         not null,
    hyperparameters jsonb       not null,
    status          text        not null,
    reason          text,
    attempt         int         not null,
    sequence        bigint      not null,
    created_at      timestamptz not null,
    queued_at       timestamptz,
    started_at      timestamptz,
    finished_at     timestamptz,
    constraint job_owner_name_unique unique (owner, name)
);

create index job_status on job (status);
create index job_dataset_validating on job (dataset_id) where status = 'validating';

-- Messages to publish, written in the same transaction as the change they report.
create table outbox (
    id          bigint generated always as identity primary key,
    topic       text        not null,
    message_key text        not null,
    payload     text        not null,
    created_at  timestamptz not null,
    sent_at     timestamptz
);

create index outbox_unsent on outbox (id) where sent_at is null;

-- Ids of consumed events, so that a redelivered event changes nothing.
create table processed_event (
    event_id     uuid primary key,
    processed_at timestamptz not null default now()
);
