-- Recurring experiments: a schedule holds an experiment request and a cron expression read in a time zone.

CREATE TABLE schedules (
    id                bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name              text        NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    cron              text        NOT NULL,
    time_zone         text        NOT NULL,
    experiment        jsonb       NOT NULL, -- the body of POST /api/experiments, without a schedule of its own
    enabled           boolean     NOT NULL DEFAULT true,
    skip_while_active boolean     NOT NULL DEFAULT false,
    missed            text        NOT NULL DEFAULT 'run_once' CHECK (missed IN ('run_once', 'skip')),
    owner             text        NOT NULL DEFAULT '',
    created_at        timestamptz NOT NULL DEFAULT now(),
    updated_at        timestamptz NOT NULL DEFAULT now(),
    -- Occurrences before this are never fired: set at creation, on resume and when the cron or zone changes,
    -- so a paused schedule does not catch up on its pause.
    active_since      timestamptz NOT NULL DEFAULT now()
);

-- One row per occurrence a schedule handled. The key makes it fire once per occurrence however many web
-- processes see it due: the first insert wins, the others find the row and do nothing.
CREATE TABLE schedule_occurrences (
    schedule_id   bigint      NOT NULL REFERENCES schedules (id) ON DELETE CASCADE,
    occurs_at     timestamptz NOT NULL,
    outcome       text        NOT NULL CHECK (outcome IN ('created', 'skipped_active', 'skipped_missed', 'failed')),
    experiment_id bigint      REFERENCES experiments (id) ON DELETE SET NULL,
    detail        text        NOT NULL DEFAULT '',
    recorded_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (schedule_id, occurs_at)
);
CREATE INDEX schedule_occurrences_experiment ON schedule_occurrences (experiment_id) WHERE experiment_id IS NOT NULL;
