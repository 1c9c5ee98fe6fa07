-- The registered base model a training job starts from, pinned at submission (name:version); null: none.
alter table job add column base_model text;
-- The base model the version's job started from: a later job of the model warm-starts from it only when
-- it starts from the same one (a head trained on another backbone is no start), and result reuse compares it.
alter table model_version add column base_model text;
