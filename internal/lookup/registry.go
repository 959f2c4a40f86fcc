// Package lookup is the public query of the registry (GET /api/v1/filings):
// by domain (a host under a filed domain finds that filing), by filing
// number (entity or service), or by entity name prefix; paginated with a
// keyset cursor, answered from a bounded in-process cache with strong ETags,
// and invalidated when the registry changes. It returns the fields the MIIT
// public query (https://beian.miit.gov.cn/) shows, never personal data.
package lookup

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"golang.org/x/net/publicsuffix"

	"github.com/beian/beian/internal/form"
	"github.com/beian/beian/internal/hostname"
	"github.com/beian/beian/internal/icpnum"
	"github.com/beian/beian/internal/store"
)

// Page sizes. MaxLimit is a hard cap: a page is one indexed range scan, and
// a larger page would only let one request take more of the read pool.
const (
	DefaultLimit = 20
	MaxLimit     = 100
	// maxEntityRunes bounds an entity name prefix; the longest registered
	// Chinese organisation names are well under 100 characters.
	maxEntityRunes = 100
)

// Record is one row of the public lookup: one domain of one filed service,
// with the field names of the MIIT public query, plus the service type.
type Record struct {
	UnitName         string `json:"unitName"`
	NatureName       string `json:"natureName"`
	MainLicence      string `json:"mainLicence"`
	ServiceLicence   string `json:"serviceLicence"`
	ServiceName      string `json:"serviceName"`
	Domain           string `json:"domain"`
	HomeURL          string `json:"homeUrl"`
	ContentTypeName  string `json:"contentTypeName"`
	LimitAccess      string `json:"limitAccess"`
	UpdateRecordTime string `json:"updateRecordTime"`
	// ServiceType is "website" for every row until Apps, mini-programs and
	// quick apps are filed (icpnum.ServiceType values).
	ServiceType string `json:"serviceType"`
}

// Query is one public lookup: exactly one of Domain, Number, Entity and
// Name, plus the page wanted.
type Query struct {
	Domain string // a host; a subdomain finds the filing of its registrable domain
	Number string // an entity number (京ICP备2021000001号) or a service number (…号-1, …号-2A)
	Entity string // an entity name prefix
	// Name is a prefix of the name of an App, mini program or quick app
	// (websites are found by domain; their names are free text).
	Name string
	// ServiceType keeps services of one type: website, app, mini_program or
	// quick_app (or its letter, A, X, K); "" keeps all.
	ServiceType string
	Cursor      string // Page.Next of the previous page; "" for the first
	Limit       int    // rows per page; 0 is DefaultLimit, above MaxLimit is MaxLimit
}

// Page is one page of results. Next is the cursor of the following page,
// "" on the last one.
type Page struct {
	Items []Record `json:"items"`
	Next  string   `json:"next,omitempty"`
}

// Error is a refused query: the field at fault, a stable code and a message
// in Chinese and English.
type Error struct {
	Field string
	Code  string
	ZH    string
	EN    string
}

func (e *Error) Error() string { return e.Code + ": " + e.Field + ": " + e.EN }

// Message is the bilingual text users see: English with the Chinese in
// brackets, the style of the platform's other API errors.
func (e *Error) Message() string { return e.EN + " (" + e.ZH + ")" }

func badField(field, code, zh, en string) *Error {
	return &Error{Field: field, Code: code, ZH: zh, EN: en}
}

// Registry answers lookups from the registry tables (entities, websites,
// domains) through the store's read pool.
type Registry struct {
	db *store.DB
	// name is the SQL expression entity names are compared and ordered by:
	// byte order (which is code point order for UTF-8), so that a prefix is
	// one contiguous range of the index whatever the server's locale.
	name string
	// wname is the same for service names (websites.name).
	wname string
	// parts is how many ranges an index build reads at once; 0 decides by
	// the processors and the registry's size (tests set it).
	parts int
	// zone is Mainland civil time (UTC+8, no DST since 1991), in which the
	// MIIT query prints updateRecordTime.
	zone *time.Location
}

// New returns a Registry over db. On PostgreSQL it asks the server whether
// the database's default collation orders text by code point (C, POSIX,
// C.UTF-8): then the entities(name) index serves prefix ranges as is.
// Otherwise (en_US.UTF-8, zh_CN.UTF-8, ICU) a prefix is not one range in
// that order — pinyin order puts 北京 after 北亭 — so names are compared
// with COLLATE "C", which an expression index on (name COLLATE "C") backs.
func New(ctx context.Context, db *store.DB) (*Registry, error) {
	r := &Registry{db: db, name: "e.name", wname: "w.name", zone: time.FixedZone("CST", 8*3600)}
	if db.Dialect() != store.Postgres {
		return r, nil // SQLite compares TEXT with BINARY (memcmp) unless told otherwise
	}
	// Probes where byte order and linguistic orders disagree: case, CJK
	// (code point vs pinyin), punctuation (ignored at the first level of
	// UCA-based collations) and accents.
	var bytewise bool
	err := db.R().QueryRowContext(ctx, `SELECT 'B' < 'a' AND '京' < '北' AND 'a-c' < 'ab' AND 'z' < 'é'`).Scan(&bytewise)
	if err != nil {
		return nil, fmt.Errorf("lookup: collation probe: %w", err)
	}
	if !bytewise {
		r.name, r.wname = `e.name COLLATE "C"`, `w.name COLLATE "C"`
	}
	return r, nil
}

// selectRows is the row source of every lookup: active services of active
// entities, one row per active domain (a service whose domains were all
// removed still shows, with domain ""). The order columns come last.
const selectRows = `SELECT e.name, e.nature, e.number, e.license_number, w.number, w.name, COALESCE(d.name, ''),
	w.home_url, w.content_types, w.limit_access, w.updated_at, w.service_type, w.id, COALESCE(d.id, 0)
	FROM entities e JOIN websites w ON w.entity_id = e.id
	LEFT JOIN domains d ON d.website_id = w.id AND d.status = 'active'
	WHERE e.status = 'active' AND w.status = 'active' AND `

// request is a validated Query with its page: the criterion, the cursor
// (after says whether there is one) and the page size.
type request struct {
	c     criterion
	cur   cursor
	after bool
	limit int
}

// prepare validates q for either path.
func prepare(q Query) (request, error) {
	limit := q.Limit
	switch {
	case limit < 0:
		return request{}, badField("limit", "lookup.bad_limit", "每页条数须为正整数", "limit must be a positive number")
	case limit == 0:
		limit = DefaultLimit
	case limit > MaxLimit:
		limit = MaxLimit
	}
	cur, err := decodeCursor(q.Cursor)
	if err != nil {
		return request{}, err
	}
	c, err := parse(q)
	if err != nil {
		return request{}, err
	}
	return request{c: c, cur: cur, after: q.Cursor != "", limit: limit}, nil
}

// Search runs q against the database and returns one page. A refused query
// is an *Error naming the parameter.
func (r *Registry) Search(ctx context.Context, q Query) (Page, error) {
	rq, err := prepare(q)
	if err != nil {
		return Page{}, err
	}
	return r.search(ctx, rq)
}

func (r *Registry) search(ctx context.Context, rq request) (Page, error) {
	limit, cur := rq.limit, rq.cur
	where, args := r.where(rq.c, cur)
	if rq.after {
		// Keyset: rows strictly after the last one of the previous page in
		// the order below, so pages neither repeat nor skip rows when the
		// registry changes between them.
		where += ` AND (` + r.name + ` > ? OR (` + r.name + ` = ? AND (w.id > ? OR (w.id = ? AND COALESCE(d.id, 0) > ?))))`
		args = append(args, cur.Name, cur.Name, cur.Website, cur.Website, cur.Domain)
	}
	args = append(args, limit+1)
	rows, err := r.db.R().QueryContext(ctx, selectRows+where+` ORDER BY `+r.name+`, w.id, COALESCE(d.id, 0) LIMIT ?`, args...)
	if err != nil {
		return Page{}, fmt.Errorf("lookup: %w", err)
	}
	defer rows.Close()
	page := Page{Items: make([]Record, 0, min(limit, 8))}
	var last cursor
	for rows.Next() {
		if len(page.Items) == limit {
			page.Next = last.encode()
			break
		}
		var rec Record
		var nature, types string
		var licence sql.NullString
		var entityNum sql.NullString
		var limitAccess int
		var updated int64
		if err := rows.Scan(&rec.UnitName, &nature, &entityNum, &licence, &rec.ServiceLicence, &rec.ServiceName, &rec.Domain,
			&rec.HomeURL, &types, &limitAccess, &updated, &rec.ServiceType, &last.Website, &last.Domain); err != nil {
			return Page{}, fmt.Errorf("lookup: %w", err)
		}
		last.Name = rec.UnitName
		rec.NatureName = form.NatureName(nature)
		// The MIIT query shows a licence holder's ICP licence number as the
		// main number (主体备案/许可证号) in place of the filing number.
		rec.MainLicence = entityNum.String
		if licence.Valid && licence.String != "" {
			rec.MainLicence = licence.String
		}
		rec.ContentTypeName = types
		rec.LimitAccess = "否"
		if limitAccess != 0 {
			rec.LimitAccess = "是"
		}
		rec.UpdateRecordTime = store.FromMicros(updated).In(r.zone).Format(time.DateTime)
		page.Items = append(page.Items, rec)
	}
	if err := rows.Err(); err != nil {
		return Page{}, fmt.Errorf("lookup: %w", err)
	}
	return page, nil
}

// kind is the one criterion of a lookup.
type kind uint8

const (
	byDomain  kind = iota + 1 // names: the host and its parents down to the registrable domain
	bySite                    // value: a service number (…号-1, …号-2A)
	byEntity                  // value: an entity number (…号)
	byLicence                 // value: an ICP licence number (…ICP证…号)
	byPrefix                  // value: an entity name prefix
	byName                    // value: a name prefix of an App, mini program or quick app
)

// criterion is a validated Query: what to match and the service type
// wanted; both the SQL path and the in-memory index answer from it, so they
// accept and refuse the same queries.
type criterion struct {
	kind    kind
	names   []string
	value   string
	service icpnum.ServiceType // "" for every type
}

// parse validates q: exactly one of domain, number and entity, each well
// formed, and a known service type.
func parse(q Query) (criterion, error) {
	domain, number, entity, name := strings.TrimSpace(q.Domain), strings.TrimSpace(q.Number), strings.TrimSpace(q.Entity), strings.TrimSpace(q.Name)
	var given []string // the fields given, in the order of the API
	for _, f := range [...]struct{ name, v string }{{"domain", domain}, {"number", number}, {"entity", entity}, {"name", name}} {
		if f.v != "" {
			given = append(given, f.name)
		}
	}
	if len(given) == 0 {
		return criterion{}, badField("domain", "lookup.query_required", "请输入域名、备案号、主办单位名称或 App 名称", "give domain, number, entity or name")
	}
	if len(given) > 1 {
		return criterion{}, badField(given[1], "lookup.one_criterion", "域名、备案号、主办单位名称、App 名称只能选一项查询",
			"give only one of domain, number, entity and name")
	}
	var c criterion
	if st := strings.TrimSpace(q.ServiceType); st != "" {
		t, ok := icpnum.ParseServiceType(st)
		if !ok {
			return criterion{}, badField("serviceType", "lookup.bad_service_type",
				"服务类型须为 website、app、mini_program 或 quick_app", "serviceType must be website, app, mini_program or quick_app")
		}
		c.service = t
	}
	var err error
	switch {
	case domain != "":
		c.kind = byDomain
		c.names, err = domainChain(domain)
	case number != "":
		c.kind, c.value, err = parseNumber(number)
	case entity != "":
		c.kind = byPrefix
		c.value, err = checkPrefix("entity", entity)
	default:
		if c.service == icpnum.ServiceWebsite {
			return criterion{}, badField("name", "lookup.name_not_website", "按名称只能查询 App、小程序和快应用；网站请按域名查询",
				"name finds Apps, mini programs and quick apps; find a website by its domain")
		}
		c.kind = byName
		c.value, err = checkPrefix("name", name)
	}
	return c, err
}

// filter returns the WHERE condition (after selectRows) for q, and its
// arguments; cur moves the start of a prefix range forward.
func (r *Registry) filter(q Query, cur cursor) (string, []any, error) {
	c, err := parse(q)
	if err != nil {
		return "", nil, err
	}
	where, args := r.where(c, cur)
	return where, args, nil
}

// where is the SQL form of c.
func (r *Registry) where(c criterion, cur cursor) (string, []any) {
	var where string
	var args []any
	switch c.kind {
	case byDomain:
		args = make([]any, len(c.names))
		for i, n := range c.names {
			args[i] = n
		}
		where = `d.name IN (?` + strings.Repeat(", ?", len(c.names)-1) + `)`
	case bySite:
		where, args = `w.number = ?`, []any{c.value}
	case byEntity:
		where, args = `e.number = ?`, []any{c.value}
	case byLicence:
		where, args = `e.license_number = ?`, []any{c.value}
	case byName:
		where, args = `w.service_type IN ('app', 'mini_program', 'quick_app') AND `+prefixRange(r.wname, c.value), []any{c.value}
		if hi, ok := nextPrefix(c.value); ok {
			args = append(args, hi)
		}
	default:
		low := c.value
		if cur.Name > low {
			low = cur.Name
		}
		where, args = prefixRange(r.name, c.value), []any{low}
		if hi, ok := nextPrefix(c.value); ok {
			args = append(args, hi)
		}
	}
	if c.service != "" {
		where += ` AND w.service_type = ?`
		args = append(args, string(c.service))
	}
	return where, args
}

// prefixRange is the condition "col starts with p" as a range of col (one
// argument for the low end, and one for the high end unless p has none).
func prefixRange(col, p string) string {
	if _, ok := nextPrefix(p); ok {
		return col + ` >= ? AND ` + col + ` < ?`
	}
	return col + ` >= ?`
}

// domainChain returns the names a lookup of host matches: the host itself
// and each parent down to its registrable domain (eTLD+1 under the public
// suffix list), never the public suffix: www.a.example.com.cn matches
// www.a.example.com.cn, a.example.com.cn and example.com.cn, not com.cn.
// A filing covers its registrable domain and every name under it.
func domainChain(host string) ([]string, error) {
	// hostname.Normalize and the suffix list, not hostname.Parse: the
	// lookup needs no Unicode form, and this runs on every request.
	name, err := hostname.Normalize(host)
	if err != nil {
		var he hostname.Error
		if errors.As(err, &he) {
			return nil, badField("domain", "lookup.bad_domain", "域名无效："+he.ZH, "not a valid domain: "+he.EN)
		}
		return nil, badField("domain", "lookup.bad_domain", "域名无效", "not a valid domain")
	}
	reg, err := publicsuffix.EffectiveTLDPlusOne(name)
	if err != nil {
		return nil, badField("domain", "lookup.bad_domain", "“"+name+"”是公共后缀，不是可备案的域名",
			"\""+name+"\" is a public suffix, not a domain anyone can file")
	}
	names := []string{name}
	for n := name; n != reg; {
		i := strings.IndexByte(n, '.')
		if i < 0 {
			break // cannot happen: reg is a suffix of name
		}
		n = n[i+1:]
		names = append(names, n)
	}
	return names, nil
}

// parseNumber reads a filing number as the platform stores it: the
// entity number without "-N" (all its services), a service number with
// it. The parser is icpnum's, so full-width digits, a missing 号 and type
// letters (-2A, -3X, -4K) are accepted; an ICP licence number (京ICP证…号)
// finds the licence holder.
func parseNumber(number string) (kind, string, error) {
	f, err := icpnum.ParseFiling(number)
	if err == nil {
		if f.Site > 0 {
			return bySite, f.String(), nil
		}
		return byEntity, f.String(), nil
	}
	if l, lerr := icpnum.ParseLicense(number); lerr == nil {
		if l.Site > 0 {
			return bySite, l.String(), nil
		}
		return byLicence, l.String(), nil
	}
	var ne icpnum.Error
	if errors.As(err, &ne) {
		return 0, "", badField("number", "lookup.bad_number", "备案号无效："+ne.ZH, "not a filing number: "+ne.EN)
	}
	return 0, "", badField("number", "lookup.bad_number", "备案号无效", "not a filing number")
}

// checkPrefix refuses an entity name prefix that cannot be a name: invalid
// UTF-8, NUL, or longer than any registered name.
func checkPrefix(field, prefix string) (string, error) {
	zh, en := "主办单位名称", "the entity name"
	if field == "name" {
		zh, en = "名称", "the name"
	}
	if !utf8.ValidString(prefix) || strings.ContainsRune(prefix, 0) {
		return "", badField(field, "lookup.bad_"+field, zh+"含无效字符", en+" contains invalid characters")
	}
	if utf8.RuneCountInString(prefix) > maxEntityRunes {
		return "", badField(field, "lookup.bad_"+field,
			fmt.Sprintf("%s不能超过 %d 个字", zh, maxEntityRunes), fmt.Sprintf("%s is longer than %d characters", en, maxEntityRunes))
	}
	return prefix, nil
}

// nextPrefix returns the least string above every string that starts with
// p in code point order: p with its last code point incremented, skipping
// the surrogate range; a last code point of U+10FFFF is dropped and the one
// before incremented. ok is false when there is no such string.
func nextPrefix(p string) (string, bool) {
	for p != "" {
		c, size := utf8.DecodeLastRuneInString(p)
		p = p[:len(p)-size]
		if c == utf8.MaxRune {
			continue
		}
		c++
		if c >= 0xD800 && c <= 0xDFFF {
			c = 0xE000
		}
		return p + string(c), true
	}
	return "", false
}

// Version returns a value that changes whenever the rows the lookup reads
// may have changed: the gate feed's newest version (every domain added to
// or removed from a provider's feed), the newest entity, website and domain
// ids (rows added) and the newest updated_at of entities and websites
// (renamed, cancelled, licensed). Each part is the end of an index, so the
// query costs a few page reads however large the registry; the handler
// compares it to drop its cache.
func (r *Registry) Version(ctx context.Context) (string, error) {
	var v [6]int64
	err := r.db.R().QueryRowContext(ctx, `SELECT
		(SELECT COALESCE(MAX(version), 0) FROM gate_log),
		(SELECT COALESCE(MAX(id), 0) FROM entities),
		(SELECT COALESCE(MAX(updated_at), 0) FROM entities),
		(SELECT COALESCE(MAX(id), 0) FROM websites),
		(SELECT COALESCE(MAX(updated_at), 0) FROM websites),
		(SELECT COALESCE(MAX(id), 0) FROM domains)`).Scan(&v[0], &v[1], &v[2], &v[3], &v[4], &v[5])
	if err != nil {
		return "", fmt.Errorf("lookup: registry version: %w", err)
	}
	return fmt.Sprint(v[0], ".", v[1], ".", v[2], ".", v[3], ".", v[4], ".", v[5]), nil
}
