package main

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/beian/beian/internal/icpnum"
	"github.com/beian/beian/internal/store"
)

// filing is row i of the synthetic registry: entity i with one website and
// one domain; every tenth entity also has an App (…号-2A, no domain).
type filing struct {
	entity, number, domain string
	nature                 string
	app                    bool
}

var tlds = [...]string{"com", "cn", "com.cn", "net", "org.cn"}

// names are the first characters of entity names, so that prefix queries
// on a city select a large range and on a full name a single row.
var names = [...]string{"北京", "上海", "广州", "深圳", "杭州", "成都", "武汉", "南京", "西安", "重庆"}

func synth(i int) filing {
	provs := icpnum.Provinces()
	p := provs[i%len(provs)]
	year := 2010 + (i/len(provs))%15
	serial := i/(len(provs)*15) + 1
	f := filing{
		entity: fmt.Sprintf("%s测试%07d科技有限公司", names[(i*7)%len(names)], i),
		number: icpnum.FormatFiling(p.ICPAbbrs[0], year, serial, 0),
		domain: fmt.Sprintf("site%07d.%s", i, tlds[i%len(tlds)]),
		nature: "enterprise",
		app:    i%10 == 0,
	}
	if i%7 == 0 {
		f.nature, f.entity = "individual", fmt.Sprintf("张测试%07d", i)
	}
	return f
}

// seed inserts n filings with multi-row INSERTs in batches, as the
// lifecycle or an import would leave them: active entity, active website
// with an active access at provider "bench", an active domain.
func seed(ctx context.Context, db *store.DB, n int) error {
	const batch = 500
	start := time.Now()
	var pid, aid int64
	err := db.InTx(ctx, func(tx *store.Tx) error {
		now := store.Micros(time.Now())
		if err := tx.Q().QueryRowContext(ctx, `INSERT INTO providers (code, name, created_at) VALUES ('bench', 'Bench', ?)
			ON CONFLICT (code) DO UPDATE SET name = providers.name RETURNING id`, now).Scan(&pid); err != nil {
			return fmt.Errorf("provider: %w", err)
		}
		return tx.Q().QueryRowContext(ctx, `INSERT INTO accounts (email, name, password_hash, role, created_at)
			VALUES ('bench@example.com', 'Bench', '', 'applicant', ?) ON CONFLICT (email) DO UPDATE SET name = accounts.name RETURNING id`, now).Scan(&aid)
	})
	if err != nil {
		return err
	}
	var have int
	if err := db.R().QueryRowContext(ctx, `SELECT COUNT(*) FROM entities`).Scan(&have); err != nil {
		return fmt.Errorf("count: %w", err)
	}
	// A database seeded before websites had a service type: its Apps are
	// marked once (the statement finds nothing to change after).
	if have > 0 {
		if err := db.InTx(ctx, func(tx *store.Tx) error {
			_, err := tx.Q().ExecContext(ctx, `UPDATE websites SET service_type = 'app' WHERE service_type = 'website' AND number LIKE '%A'`)
			return err
		}); err != nil {
			return fmt.Errorf("service types: %w", err)
		}
	}
	for lo := have; lo < n; lo += batch {
		hi := min(lo+batch, n)
		err := db.InTx(ctx, func(tx *store.Tx) error {
			q := tx.Q()
			now := store.Micros(time.Date(2024, 5, 6, 7, 8, 9, 0, time.UTC))
			var ent, web, dom, acc strings.Builder
			var ea, wa, da, aa []any
			ent.WriteString(`INSERT INTO entities (id, account_id, cert_index, nature, name, province, number, status, data_enc, approved_at, created_at, updated_at) VALUES `)
			web.WriteString(`INSERT INTO websites (id, entity_id, site_index, number, name, home_url, content_types, limit_access, status, service_type, data_enc, approved_at, updated_at) VALUES `)
			dom.WriteString(`INSERT INTO domains (id, website_id, name, status) VALUES `)
			acc.WriteString(`INSERT INTO accesses (website_id, provider_id, status, ips, created_at, updated_at) VALUES `)
			for i := lo; i < hi; i++ {
				f := synth(i)
				if i > lo {
					ent.WriteString(", ")
				}
				ent.WriteString(`(?, ?, ?, ?, ?, '11', ?, 'active', '', ?, ?, ?)`)
				ea = append(ea, i+1, aid, fmt.Sprint("bench:", i), f.nature, f.entity, f.number, now, now, now)
				sites := []struct {
					num, name, domain, kind string
				}{{f.number + "-1", "测试网站" + fmt.Sprint(i), f.domain, "website"}}
				if f.app {
					sites = append(sites, struct{ num, name, domain, kind string }{f.number + "-2A", "测试App" + fmt.Sprint(i), "", "app"})
				}
				for k, s := range sites {
					if len(wa) > 0 {
						web.WriteString(", ")
						acc.WriteString(", ")
					}
					id := int64(i)*2 + 1 + int64(k) // two website ids per entity, so ids never collide
					web.WriteString(`(?, ?, ?, ?, ?, ?, '综合门户', 0, 'active', ?, '', ?, ?)`)
					home := ""
					if s.domain != "" {
						home = "https://www." + s.domain + "/"
					}
					wa = append(wa, id, i+1, k+1, s.num, s.name, home, s.kind, now, now)
					acc.WriteString(`(?, ?, 'active', '[]', ?, ?)`)
					aa = append(aa, id, pid, now, now)
					if s.domain != "" {
						if len(da) > 0 {
							dom.WriteString(", ")
						}
						dom.WriteString(`(?, ?, ?, 'active')`)
						da = append(da, i+1, id, s.domain)
					}
				}
			}
			for _, st := range []struct {
				sql  string
				args []any
			}{{ent.String(), ea}, {web.String(), wa}, {dom.String(), da}, {acc.String(), aa}} {
				if _, err := q.ExecContext(ctx, st.sql, st.args...); err != nil {
					return fmt.Errorf("seed rows %d-%d: %w", lo, hi, err)
				}
			}
			return nil
		})
		if err != nil {
			return err
		}
		if hi%100000 == 0 || hi == n {
			fmt.Fprintf(os.Stderr, "seeded %d/%d filings (%.0f s)\n", hi, n, time.Since(start).Seconds())
		}
	}
	return nil
}

// writeQueries writes the request mix of the benchmark, one query string a
// line: domain lookups of random filings (half of them on a subdomain),
// number lookups (entity and website numbers), and unfiled domains, in the
// proportions 6:3:1. Deterministic for a given n and count.
func writeQueries(path string, n, count int) error {
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("queries: %w", err)
	}
	w := bufio.NewWriter(f)
	x := uint64(88172645463325252)
	for k := 0; k < count; k++ {
		x ^= x << 13
		x ^= x >> 7
		x ^= x << 17
		i := int(x % uint64(n))
		s := synth(i)
		switch k % 10 {
		case 0, 1, 2:
			fmt.Fprintf(w, "domain=%s\n", s.domain)
		case 3, 4, 5:
			fmt.Fprintf(w, "domain=www.%s\n", s.domain)
		case 6, 7:
			fmt.Fprintf(w, "number=%s\n", escape(s.number+"-1"))
		case 8:
			fmt.Fprintf(w, "number=%s\n", escape(s.number))
		default:
			fmt.Fprintf(w, "domain=unfiled%07d.com\n", i)
		}
	}
	if err := w.Flush(); err != nil {
		f.Close()
		return fmt.Errorf("queries: %w", err)
	}
	return f.Close()
}

// escape percent-encodes the non-ASCII bytes of a query value.
func escape(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < 0x80 && c != '%' && c != '&' && c != '+' && c != ' ' {
			b.WriteByte(c)
		} else {
			fmt.Fprintf(&b, "%%%02X", c)
		}
	}
	return b.String()
}
