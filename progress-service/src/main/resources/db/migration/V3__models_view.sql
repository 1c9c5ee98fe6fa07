-- Issue 5/6: the models view, materialized from models.events (scheduler-service registers versions).
-- One row per version; versions never change, so a row is written once and a redelivery changes nothing.
create table model_version_view (
    owner               text             not null,
    model               text             not null,
    version             integer          not null,
    job_id              uuid             not null,
    job_name            text,
    dataset_id          uuid,
    dataset_sha256      text,
    recipe              text,
    -- from the card's metrics, for the lists and the gauges without parsing the card
    validation_accuracy double precision,
    validation_loss     double precision,
    registered_at       timestamptz      not null,
    -- the ModelCard as registered (GET /models/{name}/versions/{version})
    card                jsonb,
    primary key (owner, model, version)
);

-- The job view shows each job's model version; a job registers at most one.
create unique index model_version_view_job on model_version_view (job_id);
