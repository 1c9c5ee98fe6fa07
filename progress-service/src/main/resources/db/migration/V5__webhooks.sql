-- Issue 7: webhooks a user registers, and one delivery per (webhook, terminal job event).
create table webhook (
    id         uuid        primary key,
    owner      text        not null,
    url        text        not null,
    -- kept in clear because every delivery is signed with it (HMAC); never logged nor answered after creation
    secret     text        not null,
    created_at timestamptz not null
);
create index webhook_owner on webhook (owner, created_at);

create table webhook_delivery (
    id              uuid        primary key,
    webhook_id      uuid        not null references webhook (id) on delete cascade,
    -- the jobs.events event this delivery announces: a replay or redelivery finds the row and adds none
    event_id        uuid        not null,
    event_type      text        not null,
    job_id          uuid        not null,
    -- the exact body sent on every attempt (its signature covers a fresh timestamp and these bytes)
    payload         text        not null,
    attempts        integer     not null default 0,
    next_attempt_at timestamptz not null,
    last_status     integer,
    last_error      text,
    delivered_at    timestamptz,
    -- set when max attempts were spent without a 2xx
    gave_up_at      timestamptz,
    created_at      timestamptz not null,
    unique (webhook_id, event_id)
);
-- what the delivery worker claims
create index webhook_delivery_due on webhook_delivery (next_attempt_at)
    where delivered_at is null and gave_up_at is null;
-- the delivery log of one webhook, newest first
create index webhook_delivery_log on webhook_delivery (webhook_id, created_at desc);
