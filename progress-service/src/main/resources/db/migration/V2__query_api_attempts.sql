-- Issue 6: the list's new fields, attempts in the epoch history, indexes for the query API.

-- The scheduler's lane and priority class (JobEvent), the trainer's cause of the latest failure
-- (TrainingEvent.errorKind, with the sequence of that report so a stale one never wins) and the
-- lowest attempt that succeeded (its model is the job's; later attempts' epochs are not shown).
alter table job_view
    add column lane              text,
    add column priority_class    text,
    add column attempt           integer,
    add column error_kind        text,
    add column error_sequence    bigint not null default 0,
    add column succeeded_attempt integer;

-- Every attempt's report of an epoch is kept; the visible history is decided when reading
-- (JobViewService), so the rows never depend on the order in which reports arrived.
alter table epoch_history add column attempt integer;
update epoch_history set attempt = (sequence >> 32)::integer;
alter table epoch_history alter column attempt set not null;
alter table epoch_history drop constraint epoch_history_pkey;
alter table epoch_history add primary key (job_id, attempt, epoch);

-- The first epoch each attempt reported: an attempt resuming from a checkpoint at epoch k reports
-- k+1 first, which hides the earlier attempts' epochs from k+1 on.
create table attempt_progress (
    job_id      uuid not null,
    attempt     integer not null,
    first_epoch integer not null,
    primary key (job_id, attempt)
);
insert into attempt_progress (job_id, attempt, first_epoch)
    select job_id, attempt, min(epoch) from epoch_history group by job_id, attempt;

-- List sorts (keyset pagination: sort key, then id) and filters.
create index job_view_owner_name on job_view (owner, name, id);
create index job_view_owner_queued on job_view (owner, (coalesce(queued_at, created_at)), id);
create index job_view_owner_status on job_view (owner, status, id);
-- Queue positions and the admin overview.
create index job_view_queued_lane on job_view (lane, queued_at, id) where status = 'queued';
create index job_view_status_lane on job_view (status, lane);
create index job_view_failed_finished on job_view (finished_at) where status = 'failed';
-- Retention of processed_event.
create index processed_event_processed_at on processed_event (processed_at);
