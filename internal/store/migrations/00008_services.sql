-- +goose Up
-- Apps, mini-programs and quick apps are filed like websites, as rows of
-- the same registry table under the entity's one counter (site_index), told
-- apart by service_type: website, app, mini_program, quick_app. Their name
-- is in websites.name and home_url is empty; the fields of their type are
-- in the sealed data_enc with the rest of the service. The index serves a
-- lookup by type and name (an App by its name).
ALTER TABLE websites ADD COLUMN service_type TEXT NOT NULL DEFAULT 'website';
CREATE INDEX websites_type_name ON websites(service_type, name);

-- +goose Down
DROP INDEX websites_type_name;
ALTER TABLE websites DROP COLUMN service_type;
