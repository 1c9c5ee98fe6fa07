-- Model versions (docs/models.md): a job trains a new version of its model, named by the job's
-- optional `model` (the job's name when absent).
alter table job add column model text;
update job set model = name;
alter table job alter column model set not null;

-- The dataset's SHA-256 (datasets.events), recorded in each version it trained.
alter table dataset add column sha256 text;

-- One row per registered version: numbered 1, 2, 3, ... per (owner, model) when its job succeeds.
-- `recipe` and `artifact_uri` are the job's recipe and the trained artifact: a later job of the
-- same model and recipe warm-starts from the latest version's artifact.
create table model_version (
    owner          text        not null,
    model          text        not null,
    version        int         not null,
    job_id         uuid        not null,
    job_name       text        not null,
    recipe         text        not null,
    artifact_uri   text,
    dataset_id     uuid        not null,
    dataset_sha256 text,
    card           jsonb       not null,
    registered_at  timestamptz not null,
    primary key (owner, model, version),
    -- a job registers at most one version, whatever is redelivered
    constraint model_version_job_unique unique (job_id)
);
