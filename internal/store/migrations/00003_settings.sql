-- +goose Up
-- Operator settings kept in the database, such as the holiday overrides an
-- admin edits in the web UI (name 'holiday_overrides', the override file text).
CREATE TABLE settings (
    name       TEXT   PRIMARY KEY,
    value      TEXT   NOT NULL,
    updated_at BIGINT NOT NULL
);

-- +goose Down
DROP TABLE settings;
