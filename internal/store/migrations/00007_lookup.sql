-- +goose Up
-- The public lookup (internal/lookup) drops its cache when the registry
-- changes, and learns that from the ends of indexes: gate_log's newest
-- version, the newest entity, website and domain ids (primary keys), and the
-- newest updated_at of entities and websites, which these two indexes make a
-- single index read instead of a scan of every row. Entity name prefixes use
-- entities_name from 00001 (byte order on SQLite and on a C/C.UTF-8
-- PostgreSQL database).
CREATE INDEX entities_updated ON entities(updated_at);
CREATE INDEX websites_updated ON websites(updated_at);

-- +goose Down
DROP INDEX websites_updated;
DROP INDEX entities_updated;
