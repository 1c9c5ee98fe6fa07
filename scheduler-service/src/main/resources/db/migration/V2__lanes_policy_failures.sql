-- Resource classes and ordering (issue 4): the lane whose slots a job uses, and its priority class.
alter table job add column lane text not null default 'production';
alter table job add column priority_class text not null default 'production';
alter table job alter column lane drop default;
alter table job alter column priority_class drop default;

-- Idempotent submission: one job per owner and Idempotency-Key.
alter table job add column idempotency_key text;
alter table job add constraint job_owner_idempotency_key_unique unique (owner, idempotency_key);

-- Failure handling: when the current attempt's trainer was last heard of, and a pending cancel.
alter table job add column last_seen_at timestamptz;
alter table job add column cancel_requested_at timestamptz;

create index job_lane_status on job (lane, status);
