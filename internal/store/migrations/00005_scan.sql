-- +goose Up
-- The compliance scanner's sweep inside `serve` (package scan). A sweep is a
-- run; each website's latest result is one row of scan_sites; findings keep
-- their history as intervals: a finding opens (first_seen) when a sweep
-- first reports its kind on a website, its last_seen, detail and evidence
-- follow later sweeps, and it is resolved (resolved_at) by the first sweep
-- that no longer reports it. At most one finding of a kind is open per
-- website, which the partial unique index enforces. notified_at records that
-- the applicant was told, so a finding that stays open is told once. A provider's counts are
-- the open findings of the websites it has an active access to.
CREATE TABLE scan_runs (
    id          INTEGER PRIMARY KEY,
    started_at  BIGINT  NOT NULL,
    finished_at BIGINT,
    status      TEXT    NOT NULL,
    sites       BIGINT  NOT NULL DEFAULT 0,
    compliant   BIGINT  NOT NULL DEFAULT 0,
    error       TEXT    NOT NULL DEFAULT ''
);
CREATE TABLE scan_sites (
    website_id BIGINT  PRIMARY KEY REFERENCES websites(id),
    run_id     BIGINT  NOT NULL REFERENCES scan_runs(id),
    scanned_at BIGINT  NOT NULL,
    url        TEXT    NOT NULL,
    final_url  TEXT    NOT NULL,
    status     INTEGER,
    numbers    TEXT    NOT NULL,
    findings   INTEGER NOT NULL
);
CREATE TABLE scan_findings (
    id          INTEGER PRIMARY KEY,
    website_id  BIGINT  NOT NULL REFERENCES websites(id),
    kind        TEXT    NOT NULL,
    detail      TEXT    NOT NULL,
    evidence    TEXT    NOT NULL,
    first_run   BIGINT  NOT NULL REFERENCES scan_runs(id),
    first_seen  BIGINT  NOT NULL,
    last_seen   BIGINT  NOT NULL,
    resolved_at BIGINT,
    notified_at BIGINT
);
CREATE UNIQUE INDEX scan_findings_open ON scan_findings(website_id, kind) WHERE resolved_at IS NULL;
CREATE INDEX scan_findings_website ON scan_findings(website_id, id);

-- +goose Down
DROP TABLE scan_findings;
DROP TABLE scan_sites;
DROP TABLE scan_runs;
