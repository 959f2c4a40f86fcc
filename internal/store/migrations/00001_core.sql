-- +goose Up
-- The core schema. Instants are BIGINT Unix microseconds, civil dates TEXT
-- 'YYYY-MM-DD' (business-day deadlines), personal data *_enc columns sealed
-- with AES-GCM (package secret) and looked up through *_index blind indexes.
-- One file serves both databases: `INTEGER PRIMARY KEY` (SQLite's rowid alias)
-- becomes an identity column on PostgreSQL (store/dialect.go).
CREATE TABLE providers (
    id         INTEGER PRIMARY KEY,
    code       TEXT    NOT NULL UNIQUE,
    name       TEXT    NOT NULL,
    created_at BIGINT  NOT NULL
);
CREATE TABLE provider_cidrs (
    provider_id BIGINT NOT NULL REFERENCES providers(id) ON DELETE CASCADE,
    cidr        TEXT   NOT NULL,
    PRIMARY KEY (provider_id, cidr)
);
CREATE TABLE accounts (
    id            INTEGER PRIMARY KEY,
    email         TEXT    NOT NULL UNIQUE,
    name          TEXT    NOT NULL,
    password_hash TEXT    NOT NULL,
    role          TEXT    NOT NULL,
    provider_id   BIGINT  REFERENCES providers(id),
    created_at    BIGINT  NOT NULL
);
CREATE TABLE tokens (
    digest     TEXT   PRIMARY KEY,
    account_id BIGINT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL
);
CREATE TABLE entities (
    id             INTEGER PRIMARY KEY,
    account_id     BIGINT  NOT NULL REFERENCES accounts(id),
    cert_index     TEXT    NOT NULL UNIQUE,
    nature         TEXT    NOT NULL,
    name           TEXT    NOT NULL,
    province       TEXT    NOT NULL,
    number         TEXT    UNIQUE,
    license_number TEXT    UNIQUE,
    status         TEXT    NOT NULL,
    next_site      INTEGER NOT NULL DEFAULT 1,
    data_enc       TEXT    NOT NULL,
    approved_at    BIGINT,
    created_at     BIGINT  NOT NULL,
    updated_at     BIGINT  NOT NULL
);
CREATE INDEX entities_name ON entities(name);
CREATE TABLE websites (
    id            INTEGER PRIMARY KEY,
    entity_id     BIGINT  NOT NULL REFERENCES entities(id),
    site_index    INTEGER NOT NULL,
    number        TEXT    NOT NULL UNIQUE,
    name          TEXT    NOT NULL,
    home_url      TEXT    NOT NULL,
    content_types TEXT    NOT NULL,
    limit_access  INTEGER NOT NULL DEFAULT 0,
    status        TEXT    NOT NULL,
    go_live       TEXT,
    psb_number    TEXT    UNIQUE,
    data_enc      TEXT    NOT NULL,
    approved_at   BIGINT  NOT NULL,
    updated_at    BIGINT  NOT NULL,
    UNIQUE (entity_id, site_index)
);
CREATE TABLE domains (
    id          INTEGER PRIMARY KEY,
    website_id  BIGINT NOT NULL REFERENCES websites(id),
    name        TEXT   NOT NULL,
    status      TEXT   NOT NULL
);
CREATE UNIQUE INDEX domains_active_name ON domains(name) WHERE status = 'active';
CREATE INDEX domains_website ON domains(website_id);
CREATE TABLE accesses (
    website_id  BIGINT NOT NULL REFERENCES websites(id),
    provider_id BIGINT NOT NULL REFERENCES providers(id),
    status      TEXT   NOT NULL,
    ips         TEXT   NOT NULL,
    created_at  BIGINT NOT NULL,
    updated_at  BIGINT NOT NULL,
    PRIMARY KEY (website_id, provider_id)
);
CREATE INDEX accesses_provider ON accesses(provider_id, status);
CREATE TABLE applications (
    id              INTEGER PRIMARY KEY,
    account_id      BIGINT  NOT NULL REFERENCES accounts(id),
    provider_id     BIGINT  NOT NULL REFERENCES providers(id),
    operation       TEXT    NOT NULL,
    status          TEXT    NOT NULL,
    entity_key      TEXT    NOT NULL,
    entity_id       BIGINT  REFERENCES entities(id),
    entity_name     TEXT    NOT NULL,
    nature          TEXT    NOT NULL,
    province        TEXT    NOT NULL,
    payload_enc     TEXT    NOT NULL,
    findings        TEXT    NOT NULL,
    error_count     INTEGER NOT NULL,
    warning_count   INTEGER NOT NULL,
    entity_number   TEXT,
    website_numbers TEXT    NOT NULL DEFAULT '[]',
    due_date        TEXT,
    sms_expires_at  BIGINT,
    sms_failures    INTEGER NOT NULL DEFAULT 0,
    submitted_at    BIGINT,
    decided_at      BIGINT,
    created_at      BIGINT  NOT NULL,
    updated_at      BIGINT  NOT NULL
);
CREATE UNIQUE INDEX applications_one_open ON applications(entity_key)
    WHERE status IN ('draft', 'provider_review', 'sms_verification', 'authority_review');
CREATE INDEX applications_queue ON applications(status, provider_id, due_date);
CREATE INDEX applications_account ON applications(account_id);
CREATE TABLE application_domains (
    application_id BIGINT NOT NULL REFERENCES applications(id) ON DELETE CASCADE,
    name           TEXT   NOT NULL,
    PRIMARY KEY (application_id, name)
);
CREATE INDEX application_domains_name ON application_domains(name);
CREATE TABLE application_history (
    id             INTEGER PRIMARY KEY,
    application_id BIGINT NOT NULL REFERENCES applications(id) ON DELETE CASCADE,
    action         TEXT   NOT NULL,
    from_status    TEXT   NOT NULL,
    to_status      TEXT   NOT NULL,
    actor_id       BIGINT,
    actor_role     TEXT   NOT NULL,
    reasons        TEXT   NOT NULL,
    at             BIGINT NOT NULL
);
CREATE INDEX application_history_app ON application_history(application_id, id);
CREATE TABLE sms_codes (
    application_id BIGINT NOT NULL REFERENCES applications(id) ON DELETE CASCADE,
    principal      TEXT   NOT NULL,
    phone_index    TEXT   NOT NULL,
    code_hash      TEXT   NOT NULL,
    expires_at     BIGINT NOT NULL,
    verified_at    BIGINT,
    PRIMARY KEY (application_id, principal)
);
CREATE TABLE documents (
    id             INTEGER PRIMARY KEY,
    application_id BIGINT NOT NULL REFERENCES applications(id) ON DELETE CASCADE,
    kind           TEXT   NOT NULL,
    content_type   TEXT   NOT NULL,
    size           BIGINT NOT NULL,
    sha256         TEXT   NOT NULL,
    created_at     BIGINT NOT NULL
);
CREATE INDEX documents_app ON documents(application_id);
CREATE TABLE counters (
    name  TEXT   PRIMARY KEY,
    value BIGINT NOT NULL
);
CREATE TABLE outbox (
    id              INTEGER PRIMARY KEY,
    channel         TEXT   NOT NULL,
    recipient_index TEXT   NOT NULL,
    recipient_enc   TEXT   NOT NULL,
    body_enc        TEXT   NOT NULL,
    created_at      BIGINT NOT NULL,
    sent_at         BIGINT
);
CREATE INDEX outbox_recipient ON outbox(recipient_index, id);
CREATE TABLE gate_log (
    version INTEGER PRIMARY KEY,
    provider_id BIGINT NOT NULL REFERENCES providers(id),
    domain  TEXT   NOT NULL,
    op      TEXT   NOT NULL,
    number  TEXT   NOT NULL,
    status  TEXT   NOT NULL,
    at      BIGINT NOT NULL
);
CREATE INDEX gate_log_provider ON gate_log(provider_id, version);

-- +goose Down
DROP TABLE gate_log;
DROP TABLE outbox;
DROP TABLE counters;
DROP TABLE documents;
DROP TABLE sms_codes;
DROP TABLE application_history;
DROP TABLE application_domains;
DROP TABLE applications;
DROP TABLE accesses;
DROP TABLE domains;
DROP TABLE websites;
DROP TABLE entities;
DROP TABLE tokens;
DROP TABLE accounts;
DROP TABLE provider_cidrs;
DROP TABLE providers;
