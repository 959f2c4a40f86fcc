-- +goose Up
-- The whole lifecycle: licences, PSB filings, empty shells, overdue flags,
-- reminders sent once, and the hash-chained audit log.
ALTER TABLE entities ADD COLUMN operating_licence TEXT;
ALTER TABLE entities ADD COLUMN origin TEXT NOT NULL DEFAULT 'issued';
CREATE UNIQUE INDEX entities_operating_licence ON entities(operating_licence);
ALTER TABLE websites ADD COLUMN shell_since BIGINT;
ALTER TABLE websites ADD COLUMN cancelled_at BIGINT;
CREATE INDEX websites_shell ON websites(shell_since) WHERE shell_since IS NOT NULL;
ALTER TABLE applications ADD COLUMN overdue_at BIGINT;
ALTER TABLE applications ADD COLUMN effective_date TEXT;
ALTER TABLE applications ADD COLUMN licence_numbers TEXT;
CREATE TABLE psb_filings (
    id                  INTEGER PRIMARY KEY,
    website_id          BIGINT  NOT NULL REFERENCES websites(id),
    account_id          BIGINT  NOT NULL REFERENCES accounts(id),
    go_live             TEXT    NOT NULL,
    due_date            TEXT    NOT NULL,
    interactive         INTEGER NOT NULL,
    status              TEXT    NOT NULL,
    county_code         TEXT,
    number              TEXT    UNIQUE,
    inspection_required INTEGER NOT NULL DEFAULT 0,
    reasons             TEXT    NOT NULL DEFAULT '[]',
    created_at          BIGINT  NOT NULL,
    updated_at          BIGINT  NOT NULL
);
CREATE UNIQUE INDEX psb_filings_open ON psb_filings(website_id) WHERE status IN ('pending', 'inspection', 'approved');
CREATE INDEX psb_filings_status ON psb_filings(status, due_date);
CREATE TABLE reminders (
    kind       TEXT   NOT NULL,
    subject    TEXT   NOT NULL,
    due_date   TEXT   NOT NULL,
    days_ahead INTEGER NOT NULL,
    sent_at    BIGINT NOT NULL,
    PRIMARY KEY (kind, subject, due_date, days_ahead)
);
CREATE TABLE audit_log (
    id         INTEGER PRIMARY KEY,
    at         BIGINT NOT NULL,
    actor_id   BIGINT,
    actor_role TEXT   NOT NULL,
    action     TEXT   NOT NULL,
    subject    TEXT   NOT NULL,
    details    TEXT   NOT NULL,
    prev_hash  TEXT   NOT NULL,
    hash       TEXT   NOT NULL
);
CREATE TABLE audit_head (
    id        INTEGER PRIMARY KEY CHECK (id = 1),
    last_id   BIGINT NOT NULL,
    last_hash TEXT   NOT NULL
);
INSERT INTO audit_head (id, last_id, last_hash) VALUES (1, 0, '');

-- +goose Down
DROP TABLE audit_head;
DROP TABLE audit_log;
DROP TABLE reminders;
DROP TABLE psb_filings;
