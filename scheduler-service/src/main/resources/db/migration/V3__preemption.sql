-- Preemption: when the scheduler asked the job's trainer to checkpoint and stop for higher-priority work.
alter table job add column preempt_requested_at timestamptz;
