-- The claims an experiment's runs are checked against (a preset's seed claims or the request's own), as JSON.
ALTER TABLE experiments ADD COLUMN claims jsonb;
