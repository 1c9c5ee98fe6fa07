-- The jobs that use a dataset, learnt from jobs.events (scheduler-service owns the jobs): one row per
-- job with its latest status, so that deleting a dataset a job still needs can be refused with 409.
-- `sequence` is the job's per-job event sequence: an event applies only when it is newer.
create table dataset_use (
    job_id uuid primary key,
    dataset_id uuid not null,
    owner text not null,
    job_name text not null,
    status varchar(20) not null,
    sequence bigint not null,
    updated_at timestamptz not null
);
create index dataset_use_dataset on dataset_use (dataset_id);
