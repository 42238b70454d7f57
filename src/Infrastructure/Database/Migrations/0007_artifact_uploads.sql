-- Multipart uploads of large artifacts to an S3-compatible store, journalled part by part: a worker that dies in
-- the middle of a checkpoint leaves what it sent here, and the next uploader of that file continues the same
-- upload, sending only the parts that are not there yet (each checked against the file's bytes by its MD5 ETag).
CREATE TABLE artifact_uploads (
    run_id     bigint      NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
    name       text        NOT NULL,
    upload_id  text        NOT NULL,
    part_size  bigint      NOT NULL,
    size_bytes bigint      NOT NULL,
    started_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (run_id, name)
);

CREATE TABLE artifact_upload_parts (
    run_id      bigint  NOT NULL,
    name        text    NOT NULL,
    part_number integer NOT NULL,
    size_bytes  bigint  NOT NULL,
    etag        text    NOT NULL,
    PRIMARY KEY (run_id, name, part_number),
    FOREIGN KEY (run_id, name) REFERENCES artifact_uploads (run_id, name) ON DELETE CASCADE ON UPDATE CASCADE
);
