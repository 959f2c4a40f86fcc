package bulk

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/beian/beian/internal/store"
)

// deferrable are the registry's secondary indexes that no statement of an
// import reads: they serve the public lookup (entity names, services by
// type and name), the lookup cache's change check (updated_at) and the
// provider's access listing. Each costs a B-tree insert at a random place
// per row; on an empty registry an import drops them and builds them once
// at the end from sorted keys, which measured a quarter of SQLite's CPU for
// five of them. Unique indexes, the partial ones and those the merge joins
// through are never dropped, so every constraint holds all along.
var deferrable = []string{"entities_name", "entities_updated", "websites_updated", "websites_type_name", "accesses_provider"}

// settingDeferred names the settings row that holds the definitions of the
// indexes an import dropped, written in the transaction that drops them: if
// the process dies before it builds them again, the next import finds the
// row and builds them first.
const settingDeferred = "bulk.deferred_indexes"

// sqliteSortPragma is the page cache of the connection while it builds
// indexes: 16 MB of sort buffer spill a million keys in a few sorted runs.
const sqliteSortPragma = `PRAGMA cache_size = -16384`

// deferredIndex is a dropped index and the statement that creates it, as
// the database's catalogue gave it.
type deferredIndex struct {
	Name string `json:"name"`
	SQL  string `json:"sql"`
}

// indexDef returns the creating statement of index name, or "" when the
// database has no such index.
func indexDef(ctx context.Context, q store.Querier, d store.Dialect, name string) (string, error) {
	query := `SELECT sql FROM sqlite_master WHERE type = 'index' AND name = ?`
	if d == store.Postgres {
		query = `SELECT indexdef FROM pg_indexes WHERE schemaname = current_schema() AND indexname = ?`
	}
	var def string
	err := store.One(q.QueryRowContext(ctx, query, name).Scan(&def))
	if errors.Is(err, store.ErrNotFound) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("index %s: %w", name, err)
	}
	return def, nil
}

// deferIndexes drops the deferrable indexes when the registry holds no
// entity yet, and reports whether it did.
func (im *importer) deferIndexes(ctx context.Context) (bool, error) {
	var empty bool
	if err := im.conn.Q().QueryRowContext(ctx, `SELECT NOT EXISTS (SELECT 1 FROM entities)`).Scan(&empty); err != nil {
		return false, fmt.Errorf("empty registry: %w", err)
	}
	if !empty {
		return false, nil
	}
	var dropped []deferredIndex
	err := im.conn.InTx(ctx, func(tx *store.BulkTx) error {
		dropped = dropped[:0]
		for _, name := range deferrable {
			def, err := indexDef(ctx, tx.Q(), tx.Dialect(), name)
			if err != nil {
				return err
			}
			if def == "" {
				continue
			}
			if _, err := tx.Q().ExecContext(ctx, `DROP INDEX `+name); err != nil {
				return fmt.Errorf("drop index %s: %w", name, err)
			}
			dropped = append(dropped, deferredIndex{Name: name, SQL: def})
		}
		if len(dropped) == 0 {
			return nil
		}
		v, err := json.Marshal(dropped)
		if err != nil {
			return err
		}
		_, err = tx.Q().ExecContext(ctx, `INSERT INTO settings (name, value, updated_at) VALUES (?, ?, ?)
			ON CONFLICT (name) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`, settingDeferred, string(v), store.Micros(im.now))
		return err
	})
	if err != nil {
		return false, fmt.Errorf("defer indexes: %w", err)
	}
	return len(dropped) > 0, nil
}

// restoreIndexes builds, in one transaction with the removal of the
// settings row, every index the row lists that the database lacks, and
// reports how many it built. Without the row it does nothing.
func restoreIndexes(ctx context.Context, c *store.Conn) (int, error) {
	if c.Dialect() == store.SQLite {
		// SQLite sorts the keys of a new index in memory up to the page
		// cache's size before it spills sorted runs to the temporary file
		// (https://www.sqlite.org/tempfiles.html), so with the import's 64 MB
		// cache the build would add 64 MB to the resident size at its
		// peak. During the build the cache shrinks, which frees the pages
		// for the sorter, and the import's size comes back afterwards.
		if _, err := c.Q().ExecContext(ctx, sqliteSortPragma); err != nil {
			return 0, fmt.Errorf("%s: %w", sqliteSortPragma, err)
		}
		defer func() {
			for _, p := range sqliteBulkPragmas {
				_, _ = c.Q().ExecContext(context.WithoutCancel(ctx), p)
			}
		}()
	}
	built := 0
	err := c.InTx(ctx, func(tx *store.BulkTx) error {
		built = 0
		var v string
		err := store.One(tx.Q().QueryRowContext(ctx, `SELECT value FROM settings WHERE name = ?`, settingDeferred).Scan(&v))
		if errors.Is(err, store.ErrNotFound) {
			return nil
		}
		if err != nil {
			return err
		}
		var defs []deferredIndex
		if err := json.Unmarshal([]byte(v), &defs); err != nil {
			return fmt.Errorf("setting %s: %w", settingDeferred, err)
		}
		for _, d := range defs {
			have, err := indexDef(ctx, tx.Q(), tx.Dialect(), d.Name)
			if err != nil {
				return err
			}
			if have != "" {
				continue
			}
			if _, err := tx.Q().ExecContext(ctx, d.SQL); err != nil {
				return fmt.Errorf("build index %s: %w", d.Name, err)
			}
			built++
		}
		_, err = tx.Q().ExecContext(ctx, `DELETE FROM settings WHERE name = ?`, settingDeferred)
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("restore indexes: %w", err)
	}
	return built, nil
}
