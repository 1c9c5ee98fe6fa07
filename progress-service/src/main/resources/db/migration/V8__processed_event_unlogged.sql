-- Issue 6 (throughput): processed_event only saves work (the merges make a repeated event harmless),
-- so it need not survive a crash: unlogged, it costs no WAL on the projection's hottest insert (one
-- row per event). Its ids are pruned by age, which only grows: a BRIN index is enough and costs
-- next to nothing to maintain, where the B-tree was updated on every insert.
alter table processed_event set unlogged;
drop index processed_event_processed_at;
create index processed_event_processed_at on processed_event using brin (processed_at);
