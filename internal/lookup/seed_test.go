package lookup

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/beian/beian/internal/icpnum"
	"github.com/beian/beian/internal/store"
	"github.com/beian/beian/internal/store/storetest"
)

// seedEntity is one entity of a test registry with its websites; rows go in
// with plain INSERTs into the registry tables, as the lifecycle or an import
// would leave them.
type seedEntity struct {
	name, nature, number, licence, status string
	sites                                 []seedSite
}

type seedSite struct {
	number, name, status string
	domains              []string // "name" active, "-name" removed
	limit                bool
}

// seedAt is the approval instant of seeded rows: 2024-05-06 07:08:09 UTC,
// 15:08:09 in Beijing.
func seedAt() time.Time { return time.Date(2024, 5, 6, 7, 8, 9, 0, time.UTC) }

// openDB gives the test a fresh, migrated database (SQLite, or PostgreSQL
// when BEIAN_TEST_POSTGRES is set).
func openDB(t testing.TB) *store.DB {
	t.Helper()
	db, err := store.Open(context.Background(), storetest.DSN(t))
	if err != nil {
		t.Fatalf("open: %v", err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// seed inserts a provider, an account and the entities.
func seed(t testing.TB, db *store.DB, entities []seedEntity) {
	t.Helper()
	ctx := context.Background()
	err := db.InTx(ctx, func(tx *store.Tx) error {
		q := tx.Q()
		now := store.Micros(seedAt())
		var pid, aid int64
		if err := q.QueryRowContext(ctx, `INSERT INTO providers (code, name, created_at) VALUES ('p', 'Provider', ?)
			ON CONFLICT (code) DO UPDATE SET name = providers.name RETURNING id`, now).Scan(&pid); err != nil {
			return fmt.Errorf("provider: %w", err)
		}
		if err := q.QueryRowContext(ctx, `INSERT INTO accounts (email, name, password_hash, role, created_at)
			VALUES ('a@example.com', 'A', '', 'applicant', ?) ON CONFLICT (email) DO UPDATE SET name = accounts.name RETURNING id`, now).Scan(&aid); err != nil {
			return fmt.Errorf("account: %w", err)
		}
		for _, e := range entities {
			if e.nature == "" {
				e.nature = "enterprise"
			}
			if e.status == "" {
				e.status = "active"
			}
			var licence, number any
			if e.licence != "" {
				licence = e.licence
			}
			if e.number != "" {
				number = e.number
			}
			var eid int64
			if err := q.QueryRowContext(ctx, `INSERT INTO entities (account_id, cert_index, nature, name, province, number, license_number,
				status, data_enc, approved_at, created_at, updated_at) VALUES (?, ?, ?, ?, '11', ?, ?, ?, '', ?, ?, ?) RETURNING id`,
				aid, "cert:"+e.number+e.name, e.nature, e.name, number, licence, e.status, now, now, now).Scan(&eid); err != nil {
				return fmt.Errorf("entity %s: %w", e.name, err)
			}
			for i, s := range e.sites {
				if s.status == "" {
					s.status = "active"
				}
				limit := 0
				if s.limit {
					limit = 1
				}
				var wid int64
				if err := q.QueryRowContext(ctx, `INSERT INTO websites (entity_id, site_index, number, name, home_url, content_types,
					limit_access, status, service_type, data_enc, approved_at, updated_at) VALUES (?, ?, ?, ?, ?, '综合门户', ?, ?, ?, '', ?, ?) RETURNING id`,
					eid, i+1, s.number, s.name, "https://"+first(s.domains)+"/", limit, s.status, typeOf(s.number), now, now).Scan(&wid); err != nil {
					return fmt.Errorf("website %s: %w", s.number, err)
				}
				if _, err := q.ExecContext(ctx, `INSERT INTO accesses (website_id, provider_id, status, ips, created_at, updated_at)
					VALUES (?, ?, 'active', '[]', ?, ?)`, wid, pid, now, now); err != nil {
					return fmt.Errorf("access %s: %w", s.number, err)
				}
				for _, d := range s.domains {
					status := "active"
					if d[0] == '-' {
						d, status = d[1:], "removed"
					}
					if _, err := q.ExecContext(ctx, `INSERT INTO domains (website_id, name, status) VALUES (?, ?, ?)`, wid, d, status); err != nil {
						return fmt.Errorf("domain %s: %w", d, err)
					}
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatalf("seed: %v", err)
	}
}

// typeOf is the service type a number's final letter gives (the column
// the filing service writes).
func typeOf(number string) string {
	if t, ok := icpnum.ServiceTypeByLetter(number[len(number)-1]); ok {
		return string(t)
	}
	return string(icpnum.ServiceWebsite)
}

func first(s []string) string {
	if len(s) == 0 {
		return "example.invalid"
	}
	if s[0][0] == '-' {
		return s[0][1:]
	}
	return s[0]
}

// newRegistry opens a fresh database, seeds it and returns its Registry.
func newRegistry(t testing.TB, entities []seedEntity) (*Registry, *store.DB) {
	t.Helper()
	db := openDB(t)
	seed(t, db, entities)
	r, err := New(context.Background(), db)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return r, db
}

// synthetic returns n entities of one website and domain each (every tenth
// with an App too), named so that prefixes select ranges.
func synthetic(n int) []seedEntity {
	es := make([]seedEntity, n)
	for i := range es {
		num := "京ICP备" + itoa(2000+i/1000000) + pad6(i%1000000) + "号"
		es[i] = seedEntity{name: [...]string{"北京", "上海", "广州"}[i%3] + pad6(i) + "公司", number: num,
			sites: []seedSite{{number: num + "-1", name: "站" + itoa(i), domains: []string{"s" + pad6(i) + ".com"}}}}
		if i%10 == 0 {
			es[i].sites = append(es[i].sites, seedSite{number: num + "-2A", name: "App" + itoa(i)})
		}
	}
	return es
}
