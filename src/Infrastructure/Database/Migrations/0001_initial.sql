-- The spine: experiments expand into runs; workers claim runs; runs report metric points and artifacts.

CREATE TABLE experiments (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name        text        NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    family      text        NOT NULL,
    config      jsonb       NOT NULL,
    sweep       jsonb,
    tags        text[]      NOT NULL DEFAULT '{}',
    owner       text        NOT NULL DEFAULT '',
    notes       text        NOT NULL DEFAULT '',
    created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX experiments_created_at ON experiments (created_at DESC);

CREATE TABLE workers (
    id                bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name              text        NOT NULL,
    host              text        NOT NULL,
    device            text        NOT NULL,
    gpu_name          text,
    gpu_memory_mb     integer     NOT NULL DEFAULT 0,
    version           text        NOT NULL DEFAULT '',
    started_at        timestamptz NOT NULL DEFAULT now(),
    last_heartbeat_at timestamptz NOT NULL DEFAULT now(),
    current_run_id    bigint,
    stopped_at        timestamptz
);

CREATE TABLE runs (
    id                 bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    experiment_id      bigint      NOT NULL REFERENCES experiments (id) ON DELETE CASCADE,
    index              integer     NOT NULL,
    family             text        NOT NULL,
    config             jsonb       NOT NULL,
    seed               bigint,
    axis_values        jsonb       NOT NULL DEFAULT '{}',
    state              text        NOT NULL DEFAULT 'queued' CHECK (state IN
                           ('queued', 'scheduled', 'running', 'succeeded', 'failed', 'diverged', 'cancelled', 'timed_out')),
    priority           integer     NOT NULL DEFAULT 0,
    not_before         timestamptz,
    device_kind        text        NOT NULL DEFAULT 'cpu' CHECK (device_kind IN ('cpu', 'cuda')),
    min_gpu_memory_mb  integer     NOT NULL DEFAULT 0 CHECK (min_gpu_memory_mb >= 0),
    time_limit_seconds integer     CHECK (time_limit_seconds > 0),
    attempts           integer     NOT NULL DEFAULT 0,
    max_attempts       integer     NOT NULL DEFAULT 3 CHECK (max_attempts >= 1),
    worker_id          bigint      REFERENCES workers (id) ON DELETE SET NULL,
    lease_expires_at   timestamptz,
    cancel_requested   boolean     NOT NULL DEFAULT false,
    failure_reason     text,
    step               bigint,
    total_steps        bigint,
    summary            jsonb       NOT NULL DEFAULT '{}',
    created_at         timestamptz NOT NULL DEFAULT now(),
    started_at         timestamptz,
    finished_at        timestamptz,
    updated_at         timestamptz NOT NULL DEFAULT now(),
    UNIQUE (experiment_id, index)
);
-- What claimers scan: waiting runs in claim order. Small, because finished runs leave it.
CREATE INDEX runs_claimable ON runs (priority DESC, (coalesce(not_before, created_at)), id)
    WHERE state IN ('queued', 'scheduled');
-- What the lease rescuer scans.
CREATE INDEX runs_running_lease ON runs (lease_expires_at) WHERE state = 'running';
CREATE INDEX runs_state ON runs (state);

ALTER TABLE workers ADD FOREIGN KEY (current_run_id) REFERENCES runs (id) ON DELETE SET NULL;

-- Pages and the SignalR hub follow runs through NOTIFY; the trigger makes sure no code path forgets.
CREATE FUNCTION notify_run_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' OR NEW.state IS DISTINCT FROM OLD.state OR NEW.step IS DISTINCT FROM OLD.step
       OR NEW.cancel_requested IS DISTINCT FROM OLD.cancel_requested THEN
        PERFORM pg_notify('run_changed', NEW.id || ':' || NEW.state);
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER runs_notify AFTER INSERT OR UPDATE ON runs FOR EACH ROW EXECUTE FUNCTION notify_run_changed();

-- Metrics. A series is one key of one run; its points are stored in chunks (one row per written batch,
-- arrays of steps, values and wall times), so a million-point series is a few hundred rows: cheap to
-- ingest (no per-point index entry) and to read back for charts. Each step is stored at most once per
-- series (the writer drops steps already stored), so a retried batch never duplicates a point.
CREATE TABLE metric_series (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    run_id     bigint           NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
    key        text             NOT NULL,
    count      bigint           NOT NULL DEFAULT 0,
    max_step   bigint,
    last_value double precision,
    min_value  double precision,
    max_value  double precision,
    UNIQUE (run_id, key)
);

CREATE TABLE metric_chunks (
    series_id  bigint             NOT NULL REFERENCES metric_series (id) ON DELETE CASCADE,
    first_step bigint             NOT NULL,
    last_step  bigint             NOT NULL,
    -- Steps are usually evenly spaced (every step, or every N for validation metrics): then only the
    -- stride is kept and steps is null, which saves a third of the bytes a chart reads.
    step_stride bigint,
    steps      bigint[],
    "values"   double precision[] NOT NULL,
    wall_times double precision[] NOT NULL, -- unix seconds
    PRIMARY KEY (series_id, first_step),
    CHECK ((steps IS NULL) <> (step_stride IS NULL))
);
-- Doubles do not compress; skip the attempt and store the arrays out of line as they are.
ALTER TABLE metric_chunks ALTER COLUMN steps SET STORAGE EXTERNAL,
                          ALTER COLUMN "values" SET STORAGE EXTERNAL,
                          ALTER COLUMN wall_times SET STORAGE EXTERNAL;

CREATE TABLE artifacts (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    run_id       bigint      NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
    name         text        NOT NULL,
    size_bytes   bigint      NOT NULL,
    sha256       text        NOT NULL,
    content_type text        NOT NULL DEFAULT 'application/octet-stream',
    created_at   timestamptz NOT NULL DEFAULT now(),
    UNIQUE (run_id, name)
);
