package bulk

import (
	"bufio"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"hash/maphash"
	"io"
	"math"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/beian/beian/internal/audit"
	"github.com/beian/beian/internal/auth"
	"github.com/beian/beian/internal/gate"
	"github.com/beian/beian/internal/store"
)

// Options configure an import.
type Options struct {
	// Provider is the code of the provider the filings are claimed at: the
	// access rows are its, and the domains enter its gate allow-list and feed.
	Provider string
	// Format is the file format; "" detects it from Name and the first bytes.
	Format Format
	// Name is the file name, for format detection and the audit record.
	Name string
	// Batch is the number of rows per transaction (default DefaultBatch on
	// SQLite, DefaultBatchPostgres on PostgreSQL).
	Batch int
	// Chain appends the audit rows; nil is the unkeyed chain.
	Chain *audit.Chain
	// Now is the clock (default time.Now).
	Now func() time.Time
	// OnError receives every refused row, in file order within a batch.
	OnError func(*RowError)
	// OnProgress is called after each committed batch.
	OnProgress func(Stats)
}

// DefaultBatch is the default number of rows per transaction on SQLite:
// large enough that per-transaction costs vanish, small enough that a
// writer of the running server waits well under its busy timeout.
const DefaultBatch = 20000

// DefaultBatchPostgres is the default on PostgreSQL, where a long
// transaction blocks no reader or other writer, and each merge statement
// costs about one pass over the registry's indexes however small the
// batch, so fewer, larger batches are faster.
const DefaultBatchPostgres = 100000

// Stats counts what an import did. The row counts are of committed batches.
type Stats struct {
	Bytes    int64 // bytes read from the file
	Lines    int64 // last line read
	Rows     int64 // records accepted
	Rejected int64 // records refused (reported through OnError)
	// Rows written (inserted, or updated because a field changed).
	Entities, Websites, Domains, Accesses, FeedEntries int64
	Batches                                            int
	// CommittedLine is the last line of the last committed batch.
	CommittedLine int64
}

// Written reports whether the import changed the database.
func (s Stats) Written() int64 {
	return s.Entities + s.Websites + s.Domains + s.Accesses + s.FeedEntries
}

// counterName is the per-province, per-year serial counter the approval of a
// first filing draws from (internal/filing's nextSerial): "icp:<GB/T 2260
// province code>:<year>".
func counterName(province string, year int) string { return fmt.Sprintf("icp:%s:%d", province, year) }

// Import reads filings from r and merges them into db as claimed filings
// at opt.Provider. Refused rows go to opt.OnError and the rest goes in; an
// error is returned only for what stops the whole import (unknown provider,
// unreadable header, database failure, ctx cancelled). Whatever the
// outcome, batches before the returned Stats.CommittedLine are committed
// and no batch is half-written.
func Import(ctx context.Context, db *store.DB, r io.Reader, opt Options) (_ Stats, err error) {
	if opt.Now == nil {
		opt.Now = time.Now
	}
	if opt.Chain == nil {
		opt.Chain = audit.Unkeyed()
	}
	if opt.OnError == nil {
		opt.OnError = func(*RowError) {}
	}
	cr := &countingReader{r: r}
	br := bufio.NewReaderSize(cr, 64<<10)
	if opt.Format == "" {
		head, _ := br.Peek(512)
		opt.Format = DetectFormat(opt.Name, head)
	}
	src, err := open(br, opt.Format)
	if err != nil {
		return Stats{}, fmt.Errorf("import: %w", err)
	}
	conn, err := db.Conn(ctx)
	if err != nil {
		return Stats{}, fmt.Errorf("import: %w", err)
	}
	defer conn.Close()
	if opt.Batch <= 0 {
		opt.Batch = DefaultBatch
		if db.Dialect() == store.Postgres {
			opt.Batch = DefaultBatchPostgres
		}
	}
	im := &importer{seen: map[uint64]seenRow{}, seed: maphash.MakeSeed(), conn: conn, opt: opt, check: newChecker(opt.Now()), now: opt.Now()}
	if err := im.prepare(ctx); err != nil {
		return Stats{}, fmt.Errorf("import: %w", err)
	}
	defer im.dropStage()
	// Indexes an earlier import dropped and never built (it died) come
	// back before anything else; then an import into an empty registry
	// drops the ones it does not read and builds them when it stops,
	// whether it finished, failed or was interrupted (ctx is done then, so
	// the build runs on a fresh context).
	if _, err := restoreIndexes(ctx, conn); err != nil {
		return Stats{}, fmt.Errorf("import: %w", err)
	}
	deferred, err := im.deferIndexes(ctx)
	if err != nil {
		return Stats{}, fmt.Errorf("import: %w", err)
	}
	if deferred {
		defer func() {
			if _, rerr := restoreIndexes(context.WithoutCancel(ctx), conn); rerr != nil {
				err = errors.Join(err, fmt.Errorf("import: %w", rerr))
			}
		}()
	}
	rctx, stopReading := context.WithCancel(ctx)
	in := make(chan chunk, readAhead(opt.Batch))
	done := make(chan struct{})
	go func() {
		defer close(done)
		im.produce(rctx, src, func() int64 { return cr.n - int64(br.Buffered()) }, in)
	}()
	// The reading goroutine is gone before Import returns, so the caller
	// may close r.
	defer func() { stopReading(); <-done }()
	im.in = in
	var st Stats
	for {
		b, err := im.read(ctx, &st)
		if err != nil {
			return st, fmt.Errorf("import: %w", err)
		}
		if len(b.rows) > 0 {
			if err := ctx.Err(); err != nil {
				return st, fmt.Errorf("import interrupted after line %d: %w", st.CommittedLine, err)
			}
			w, err := im.apply(ctx, b)
			if err != nil {
				return st, fmt.Errorf("import lines %d-%d: %w", b.rows[0].line, b.last, err)
			}
			st.Rows += int64(len(b.rows)) - w.rejected
			st.Rejected += w.rejected
			st.Entities += w.entities
			st.Websites += w.websites
			st.Domains += w.domains
			st.Accesses += w.accesses
			st.FeedEntries += w.feed
			st.Batches++
			im.remember(b)
			if err := im.analyze(ctx, st.Batches); err != nil {
				return st, fmt.Errorf("import: %w", err)
			}
		}
		if b.last > 0 {
			st.CommittedLine = b.last
		}
		if opt.OnProgress != nil {
			opt.OnProgress(st)
		}
		if b.eof {
			return st, nil
		}
	}
}

type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

// importer holds one import's connection and settings.
type importer struct {
	// seen holds, for every entity and website an earlier batch of this
	// run merged, a hash of its fields and the line that gave them, so rows
	// that disagree are refused across batches as within one. Sixteen
	// bytes a key keep a million filings in about 40 MB.
	seen       map[uint64]seenRow
	seed       maphash.Seed
	shells     bool // the registry has empty shells (websites without access)
	conn       *store.Conn
	opt        Options
	check      *checker
	in         <-chan chunk // checked records from the reading goroutine
	cur        chunk        // the chunk being consumed
	pos        int          // next record of cur
	now        time.Time
	providerID int64
	ownerID    int64
}

// batch is the checked rows of one transaction, with the entities,
// websites and domains they name (a later row wins over an earlier one).
type batch struct {
	rows     []row
	last     int64
	eof      bool
	entities map[string]int // number → index of the row that defines it
	websites map[string]int
	domains  map[string]int
	licences map[string]string // licence → entity number
	dropped  map[int]bool      // rows refused after reading (conflicts)
}

// checked is one record as the reading goroutine left it: the checked row,
// or why the record was refused.
type checked struct {
	line int64
	r    row
	re   *RowError
}

// chunk is a run of checked records in file order. err is io.EOF after the
// last record, or what stopped the reading (a read error, a bad header).
type chunk struct {
	recs  []checked
	bytes int64 // input bytes consumed up to the chunk's end
	lines int64 // last line read
	err   error
}

// chunkRows is the number of records the reading goroutine hands over at
// once: large enough that the channel costs nothing per record.
const chunkRows = 1024

// readAhead is how many chunks the reading goroutine may check ahead of
// the writer. The writer spends most of its time inside the database, so
// parsing and checking (an eighth of an import's CPU) run on the other
// core meanwhile; a batch's worth ahead hides them completely, and the cap
// bounds the memory of PostgreSQL's larger batches.
func readAhead(batch int) int { return min(batch, 65536)/chunkRows + 1 }

// produce reads and checks records from src on its own goroutine and sends
// them in chunks until the end of the file, an error, or ctx is done; it
// closes out when it returns. Checking is per record and needs no state of
// the import; everything that compares records with each other or with the
// registry stays on the writer's goroutine, in file order.
func (im *importer) produce(ctx context.Context, src source, consumed func() int64, out chan<- chunk) {
	defer close(out)
	var f [nFields]string
	c := chunk{recs: make([]checked, 0, chunkRows)}
	for {
		line, err := src.next(&f)
		c.lines = line
		var re *RowError
		switch {
		case err == nil:
			r, re := im.check.check(line, &f)
			c.recs = append(c.recs, checked{line: line, r: r, re: re})
		case errors.As(err, &re):
			c.recs = append(c.recs, checked{line: line, re: re})
		default:
			c.err = err
		}
		if c.err == nil && len(c.recs) < chunkRows {
			continue
		}
		c.bytes = consumed()
		select {
		case out <- c:
		case <-ctx.Done():
			return
		}
		if c.err != nil {
			return
		}
		c = chunk{recs: make([]checked, 0, chunkRows)}
	}
}

// read fills a batch from the reading goroutine's chunks, reporting
// refused rows.
func (im *importer) read(ctx context.Context, st *Stats) (*batch, error) {
	b := &batch{entities: map[string]int{}, websites: map[string]int{}, domains: map[string]int{}, licences: map[string]string{}, dropped: map[int]bool{}}
	for len(b.rows) < im.opt.Batch {
		if im.pos == len(im.cur.recs) {
			if err := im.cur.err; err != nil {
				if errors.Is(err, io.EOF) {
					b.eof = true
					break
				}
				return nil, err
			}
			var ok bool
			select {
			case im.cur, ok = <-im.in:
			case <-ctx.Done():
			}
			if !ok {
				return nil, fmt.Errorf("interrupted after line %d: %w", st.CommittedLine, context.Cause(ctx))
			}
			im.pos = 0
			st.Bytes, st.Lines = im.cur.bytes, im.cur.lines
			continue
		}
		c := &im.cur.recs[im.pos]
		im.pos++
		b.last = c.line
		re := c.re
		if re == nil {
			re = im.agree(b, &c.r)
		}
		if re == nil {
			re = b.add(c.r)
		}
		if re != nil {
			st.Rejected++
			im.opt.OnError(re)
		}
	}
	return b, nil
}

// add puts r into the batch unless it contradicts an earlier row of it.
func (b *batch) add(r row) *RowError {
	if r.domain != "" {
		if i, ok := b.domains[r.domain]; ok && b.rows[i].website != r.website {
			return rowErr(r.line, FieldDomain, "bulk.domain_twice",
				fmt.Sprintf("%s is already given to %s on line %d", r.domain, b.rows[i].website, b.rows[i].line), "同一域名在文件中属于两个网站")
		}
	}
	// Rows of one website (one per domain) and of one entity must agree:
	// with a last-row-wins rule the stored values would depend on where the
	// batches happen to split the file, and a re-run would write again.
	if i, ok := b.websites[r.website]; ok && !sameWebsite(&b.rows[i], &r) {
		return rowErr(r.line, FieldServiceName, "bulk.website_differs",
			fmt.Sprintf("%s has other serviceName, homeUrl, contentTypeName, limitAccess or updateRecordTime on line %d", r.website, b.rows[i].line),
			"同一网站的各行字段不一致")
	}
	if i, ok := b.entities[r.entity]; ok && !sameEntity(&b.rows[i], &r) {
		return rowErr(r.line, FieldUnitName, "bulk.entity_differs",
			fmt.Sprintf("%s has another unitName, natureName or mainLicence on line %d", r.entity, b.rows[i].line), "同一主体的各行字段不一致")
	}
	if r.licence != "" {
		if e, ok := b.licences[r.licence]; ok && e != r.entity {
			return rowErr(r.line, FieldMainLicence, "bulk.licence_twice",
				fmt.Sprintf("licence %s is already given to %s", r.licence, e), "同一许可证号在文件中属于两个主体")
		}
		b.licences[r.licence] = r.entity
	}
	i := len(b.rows)
	b.rows = append(b.rows, r)
	b.entities[r.entity] = i
	b.websites[r.website] = i
	if r.domain != "" {
		b.domains[r.domain] = i
	}
	return nil
}

func sameWebsite(a, b *row) bool {
	return a.service == b.service && a.homeURL == b.homeURL && a.types == b.types && a.limit == b.limit && a.updatedMicros == b.updatedMicros
}

func sameEntity(a, b *row) bool {
	return a.unit == b.unit && a.nature == b.nature && a.licence == b.licence
}

// seenRow is 8 bytes: 32 bits of field hash tell a differing row with a
// chance of a miss of one in four billion, and lines beyond 2^32 are shown
// as the largest number that fits.
type seenRow struct {
	fields uint32
	line   uint32
}

func newSeen(fields uint64, line int64) seenRow {
	return seenRow{fields: uint32(fields), line: uint32(min(line, math.MaxUint32))}
}

// keys returns the seen keys and field hashes of r's website and entity.
func (im *importer) keys(r *row) (wk, wf, ek, ef uint64) {
	h := func(parts ...string) uint64 {
		var m maphash.Hash
		m.SetSeed(im.seed)
		for _, p := range parts {
			m.WriteString(p)
			m.WriteByte(0)
		}
		return m.Sum64()
	}
	wk = h("w", r.website)
	wf = h(r.service, r.homeURL, r.types, strconv.Itoa(r.limit), strconv.FormatInt(r.updatedMicros, 10))
	ek = h("e", r.entity)
	ef = h(r.unit, r.nature, r.licence)
	return
}

// agree refuses r when an earlier batch merged its website or entity with
// other fields.
func (im *importer) agree(b *batch, r *row) *RowError {
	wk, wf, ek, ef := im.keys(r)
	if s, ok := im.seen[wk]; ok && s.fields != uint32(wf) {
		return rowErr(r.line, FieldServiceName, "bulk.website_differs",
			fmt.Sprintf("%s has other serviceName, homeUrl, contentTypeName, limitAccess or updateRecordTime on line %d", r.website, s.line),
			"同一网站的各行字段不一致")
	}
	if s, ok := im.seen[ek]; ok && s.fields != uint32(ef) {
		return rowErr(r.line, FieldUnitName, "bulk.entity_differs",
			fmt.Sprintf("%s has another unitName, natureName or mainLicence on line %d", r.entity, s.line), "同一主体的各行字段不一致")
	}
	return nil
}

// remember records the entities and websites of a committed batch.
func (im *importer) remember(b *batch) {
	for i := range b.rows {
		if b.dropped[i] {
			continue
		}
		r := &b.rows[i]
		wk, wf, ek, ef := im.keys(r)
		if _, ok := im.seen[wk]; !ok {
			im.seen[wk] = newSeen(wf, r.line)
		}
		if _, ok := im.seen[ek]; !ok {
			im.seen[ek] = newSeen(ef, r.line)
		}
	}
}

// drop refuses row i after the fact; live leaves it out from then on.
func (b *batch) drop(i int, re *RowError, report func(*RowError)) {
	if b.dropped[i] {
		return
	}
	b.dropped[i] = true
	report(re)
}

// prepare finds the provider, makes sure the owner account of imported
// filings exists, and creates the staging tables.
func (im *importer) prepare(ctx context.Context) error {
	code := strings.TrimSpace(im.opt.Provider)
	if code == "" {
		return errors.New("--provider is required: imported filings are claimed at a provider (须指定接入商)")
	}
	q := im.conn.Q()
	if err := store.One(q.QueryRowContext(ctx, `SELECT id FROM providers WHERE code = ?`, code).Scan(&im.providerID)); err != nil {
		if errors.Is(err, store.ErrNotFound) {
			return fmt.Errorf("provider: unknown provider %q; add it with beian provider add (接入商不存在)", code)
		}
		return fmt.Errorf("provider %q: %w", code, err)
	}
	if err := im.owner(ctx, code); err != nil {
		return err
	}
	if im.conn.Dialect() == store.SQLite {
		for _, p := range sqliteBulkPragmas {
			if _, err := q.ExecContext(ctx, p); err != nil {
				return fmt.Errorf("%s: %w", p, err)
			}
		}
	}
	// Shells arise from the scanner, not from an import: when there is none
	// at the start, no batch needs to clear one.
	if err := q.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM websites WHERE shell_since IS NOT NULL)`).Scan(&im.shells); err != nil {
		return fmt.Errorf("empty shells: %w", err)
	}
	if err := im.analyze(ctx, 0); err != nil {
		return err
	}
	for _, ddl := range stageDDL {
		if _, err := q.ExecContext(ctx, ddl); err != nil {
			return fmt.Errorf("staging table: %w", err)
		}
	}
	return nil
}

// ownerEmail is the account that owns the entities imported for a provider
// until their holders claim them. The .invalid top-level domain is reserved
// and never delivers mail (RFC 2606, https://www.rfc-editor.org/rfc/rfc2606).
func ownerEmail(code string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(code) {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-' || r == '.' {
			b.WriteRune(r)
		} else {
			b.WriteByte('_')
		}
	}
	return "imported+" + b.String() + "@beian.invalid"
}

// owner finds or creates the owner account of the provider's imported
// filings. Its password is random and never shown, so nobody signs in as it.
func (im *importer) owner(ctx context.Context, code string) error {
	email := ownerEmail(code)
	err := store.One(im.conn.Q().QueryRowContext(ctx, `SELECT id FROM accounts WHERE email = ?`, email).Scan(&im.ownerID))
	if !errors.Is(err, store.ErrNotFound) {
		return err
	}
	pw := make([]byte, 32)
	if _, err := rand.Read(pw); err != nil {
		return fmt.Errorf("owner account: %w", err)
	}
	hash, err := auth.HashPassword(hex.EncodeToString(pw))
	if err != nil {
		return fmt.Errorf("owner account: %w", err)
	}
	return im.conn.InTx(ctx, func(tx *store.BulkTx) error {
		err := tx.Q().QueryRowContext(ctx, `INSERT INTO accounts (email, name, password_hash, role, created_at) VALUES (?, ?, ?, ?, ?) RETURNING id`,
			email, "导入备案 Imported filings ("+code+")", hash, string(auth.RoleApplicant), store.Micros(im.now)).Scan(&im.ownerID)
		if err != nil {
			return fmt.Errorf("owner account: %w", err)
		}
		return im.opt.Chain.Append(ctx, tx.Tx, audit.Entry{At: im.now, ActorRole: "operator", Action: "account.add",
			Subject: fmt.Sprintf("account:%d", im.ownerID), Details: map[string]any{"email": email, "role": string(auth.RoleApplicant), "reason": "bulk import owner"}})
	})
}

// The staging tables: one batch's entities, websites and domains, loaded
// with multi-row INSERTs (SQLite) or COPY (PostgreSQL) and merged into the
// registry with one statement per table. TEMP tables live on the import's
// own connection only.
var stageDDL = []string{
	`CREATE TEMP TABLE IF NOT EXISTS bulk_entities (number TEXT NOT NULL, licence TEXT, name TEXT NOT NULL, nature TEXT NOT NULL,
		province TEXT NOT NULL, updated_at BIGINT NOT NULL, next_site BIGINT NOT NULL)`,
	`CREATE TEMP TABLE IF NOT EXISTS bulk_websites (number TEXT NOT NULL, entity_number TEXT NOT NULL, site_index BIGINT NOT NULL,
		name TEXT NOT NULL, home_url TEXT NOT NULL, content_types TEXT NOT NULL, limit_access BIGINT NOT NULL, updated_at BIGINT NOT NULL,
		service_type TEXT NOT NULL, had_access BIGINT NOT NULL DEFAULT 0)`,
	`CREATE TEMP TABLE IF NOT EXISTS bulk_domains (name TEXT NOT NULL, website_number TEXT NOT NULL, is_new BIGINT NOT NULL DEFAULT 1)`,
}

var stageTables = []string{"bulk_entities", "bulk_websites", "bulk_domains"}

func (im *importer) dropStage() {
	for _, t := range stageTables {
		_, _ = im.conn.Q().ExecContext(context.Background(), `DROP TABLE IF EXISTS `+t)
	}
	if im.conn.Dialect() == store.SQLite {
		for _, p := range sqliteDefaultPragmas {
			_, _ = im.conn.Q().ExecContext(context.Background(), p)
		}
	}
}

// analyze refreshes PostgreSQL's statistics of the registry tables at the
// start and after batches 1, 2, 4, 8 …: an import can grow them from
// nothing to millions of rows faster than autovacuum notices, and with
// stale sizes the planner joins each batch against the whole table
// (https://www.postgresql.org/docs/current/sql-analyze.html). ANALYZE reads
// a fixed-size sample, so the cost stays small however large the tables.
func (im *importer) analyze(ctx context.Context, batches int) error {
	if im.conn.Dialect() != store.Postgres || batches&(batches-1) != 0 {
		return nil
	}
	if _, err := im.conn.Q().ExecContext(ctx, `ANALYZE entities, websites, domains, accesses`); err != nil {
		return fmt.Errorf("analyze: %w", err)
	}
	return nil
}

// On SQLite the import's connection gets a 64 MB page cache, large enough
// to hold the index pages a batch touches (the default is 2 MB, and every
// batch then rereads them from the OS; https://www.sqlite.org/pragma.html#pragma_cache_size).
// Larger caches bought little speed and cost resident memory several times
// their size; staging tables stay in the temporary file, for the same reason.
// The connection is the pool's writer: the default comes back at the end.
var (
	sqliteBulkPragmas    = []string{`PRAGMA cache_size = -65536`}
	sqliteDefaultPragmas = []string{`PRAGMA cache_size = -2000`}
)

// written counts the rows one batch wrote.
type written struct {
	rejected                                    int64
	entities, websites, domains, accesses, feed int64
}

// apply merges one batch in one transaction.
func (im *importer) apply(ctx context.Context, b *batch) (written, error) {
	var w written
	err := im.conn.InTx(ctx, func(tx *store.BulkTx) error {
		w = written{}
		if err := im.stage(ctx, tx, b); err != nil {
			return err
		}
		n, err := im.conflicts(ctx, tx, b)
		if err != nil {
			return err
		}
		if n > 0 {
			w.rejected = int64(n)
			if err := im.stage(ctx, tx, b); err != nil {
				return err
			}
		}
		return im.merge(ctx, tx, b, &w)
	})
	return w, err
}

// stage empties the staging tables and loads the batch's live rows.
func (im *importer) stage(ctx context.Context, tx *store.BulkTx, b *batch) error {
	for _, t := range stageTables {
		q := `DELETE FROM ` + t
		if tx.Dialect() == store.Postgres {
			q = `TRUNCATE ` + t
		}
		if _, err := tx.Q().ExecContext(ctx, q); err != nil {
			return fmt.Errorf("clear %s: %w", t, err)
		}
	}
	ents, webs, doms := b.live()
	// An entity's next site index is above every site of it the batch holds.
	top := make(map[string]int, len(ents))
	for _, i := range webs {
		if r := &b.rows[i]; r.site > top[r.entity] {
			top[r.entity] = r.site
		}
	}
	err := im.fill(ctx, tx, "bulk_entities", []string{"number", "licence", "name", "nature", "province", "updated_at", "next_site"}, len(ents), func(i int) []any {
		r := &b.rows[ents[i]]
		var lic any
		if r.licence != "" {
			lic = r.licence
		}
		return []any{r.entity, lic, r.unit, r.nature, r.province, r.updatedMicros, int64(top[r.entity] + 1)}
	})
	if err != nil {
		return err
	}
	err = im.fill(ctx, tx, "bulk_websites", []string{"number", "entity_number", "site_index", "name", "home_url", "content_types", "limit_access", "updated_at", "service_type"},
		len(webs), func(i int) []any {
			r := &b.rows[webs[i]]
			return []any{r.website, r.entity, int64(r.site), r.service, r.homeURL, r.types, int64(r.limit), r.updatedMicros, r.stype}
		})
	if err != nil {
		return err
	}
	err = im.fill(ctx, tx, "bulk_domains", []string{"name", "website_number"}, len(doms), func(i int) []any {
		r := &b.rows[doms[i]]
		return []any{r.domain, r.website}
	})
	if err != nil || tx.Dialect() != store.Postgres {
		return err
	}
	// PostgreSQL has no statistics on a temporary table until it is
	// analysed (autovacuum never sees them), and without them it plans the
	// merge joins against the whole registry instead of the batch
	// (https://www.postgresql.org/docs/current/sql-createtable.html#SQL-CREATETABLE-TEMPORARY).
	if _, err := tx.Q().ExecContext(ctx, `ANALYZE `+strings.Join(stageTables, ", ")); err != nil {
		return fmt.Errorf("analyze staging tables: %w", err)
	}
	return nil
}

// live returns, in file order, the defining row of each entity and website
// and the row of each domain, leaving out dropped rows and entities and
// websites no live row names any more.
func (b *batch) live() (ents, webs, doms []int) {
	entOK, webOK := map[string]bool{}, map[string]bool{}
	for i := range b.rows {
		if !b.dropped[i] {
			entOK[b.rows[i].entity] = true
			webOK[b.rows[i].website] = true
		}
	}
	for i := range b.rows {
		r := &b.rows[i]
		if b.dropped[i] {
			continue
		}
		if b.entities[r.entity] == i || (b.dropped[b.entities[r.entity]] && entOK[r.entity] && lastLive(b, i, func(o *row) bool { return o.entity == r.entity })) {
			ents = append(ents, i)
		}
		if b.websites[r.website] == i || (b.dropped[b.websites[r.website]] && webOK[r.website] && lastLive(b, i, func(o *row) bool { return o.website == r.website })) {
			webs = append(webs, i)
		}
		if r.domain != "" && b.domains[r.domain] == i {
			doms = append(doms, i)
		}
	}
	return ents, webs, doms
}

// lastLive reports whether row i is the last live row matching same.
func lastLive(b *batch, i int, same func(*row) bool) bool {
	for j := i + 1; j < len(b.rows); j++ {
		if !b.dropped[j] && same(&b.rows[j]) {
			return false
		}
	}
	return true
}

// fill loads n rows into a staging table.
func (im *importer) fill(ctx context.Context, tx *store.BulkTx, table string, cols []string, n int, values func(i int) []any) error {
	if n == 0 {
		return nil
	}
	if tx.Dialect() == store.Postgres {
		i := 0
		_, err := im.conn.CopyFrom(ctx, table, cols, func() ([]any, error) {
			if i == n {
				return nil, nil
			}
			i++
			return values(i - 1), nil
		})
		return err
	}
	// SQLite: one prepared INSERT of perStmt rows, run n/perStmt times.
	const perStmt = 100
	full, err := tx.Prepare(ctx, insertSQL(table, cols, perStmt))
	if err != nil {
		return err
	}
	defer full.Close()
	args := make([]any, 0, perStmt*len(cols))
	for i := 0; i < n; i++ {
		args = append(args, values(i)...)
		if len(args) == cap(args) {
			if _, err := full.ExecContext(ctx, args...); err != nil {
				return fmt.Errorf("stage %s: %w", table, err)
			}
			args = args[:0]
		}
	}
	if len(args) > 0 {
		if _, err := tx.Q().ExecContext(ctx, insertSQL(table, cols, len(args)/len(cols)), args...); err != nil {
			return fmt.Errorf("stage %s: %w", table, err)
		}
	}
	return nil
}

// insertSQL is INSERT INTO table (cols) VALUES (?, …), … for n rows.
func insertSQL(table string, cols []string, n int) string {
	var b strings.Builder
	b.WriteString("INSERT INTO " + table + " (" + strings.Join(cols, ", ") + ") VALUES ")
	one := "(" + strings.TrimSuffix(strings.Repeat("?, ", len(cols)), ", ") + ")"
	for i := 0; i < n; i++ {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(one)
	}
	return b.String()
}

// conflicts refuses the rows that contradict the registry: a domain active
// under another website, a licence number held by another entity. It
// returns how many rows it refused.
func (im *importer) conflicts(ctx context.Context, tx *store.BulkTx, b *batch) (int, error) {
	type hit struct{ key, other string }
	scan := func(r store.Row) (hit, error) {
		var h hit
		err := r.Scan(&h.key, &h.other)
		return h, err
	}
	n := 0
	doms, err := store.All(ctx, tx.Q(), scan, `SELECT s.name, w.number FROM bulk_domains s CROSS JOIN domains d CROSS JOIN websites w
		WHERE d.name = s.name AND d.status = 'active' AND w.id = d.website_id AND w.number <> s.website_number`)
	if err != nil {
		return 0, fmt.Errorf("domain conflicts: %w", err)
	}
	for _, h := range doms {
		i := b.domains[h.key]
		b.drop(i, rowErr(b.rows[i].line, FieldDomain, "bulk.domain_filed", fmt.Sprintf("%s is already filed under %s", h.key, h.other), "该域名已在其他网站下备案"), im.opt.OnError)
		n++
	}
	// dropEntity refuses every live row of an entity that matches.
	dropEntity := func(entity string, match func(*row) bool, re func(*row) *RowError) {
		for i := range b.rows {
			if r := &b.rows[i]; r.entity == entity && !b.dropped[i] && match(r) {
				b.drop(i, re(r), im.opt.OnError)
				n++
			}
		}
	}
	lics, err := store.All(ctx, tx.Q(), scan, `SELECT s.number, e.number FROM bulk_entities s CROSS JOIN entities e
		WHERE s.licence IS NOT NULL AND e.license_number = s.licence AND e.number <> s.number`)
	if err != nil {
		return 0, fmt.Errorf("licence conflicts: %w", err)
	}
	for _, h := range lics {
		dropEntity(h.key, func(r *row) bool { return r.licence != "" }, func(r *row) *RowError {
			return rowErr(r.line, FieldMainLicence, "bulk.licence_held", fmt.Sprintf("licence %s is held by %s", r.licence, h.other), "该许可证号属于其他主体")
		})
	}
	// An entity this platform filed is never renamed by an import: a row
	// with its number and another name is refused, not merged.
	held, err := store.All(ctx, tx.Q(), scan, `SELECT s.number, e.name FROM bulk_entities s CROSS JOIN entities e
		WHERE e.number = s.number AND e.origin <> 'imported' AND e.name <> s.name`)
	if err != nil {
		return 0, fmt.Errorf("number conflicts: %w", err)
	}
	for _, h := range held {
		dropEntity(h.key, func(*row) bool { return true }, func(r *row) *RowError {
			return rowErr(r.line, FieldMainLicence, "bulk.number_held",
				fmt.Sprintf("%s was filed on this platform for %s, not %s", r.entity, clip(h.other), clip(r.unit)), "该备案号已在本平台备案，主办单位名称不同")
		})
	}
	return n, nil
}

// The merge, one statement per table, the same SQL on both databases.
// "WHERE true" before ON CONFLICT resolves SQLite's parsing ambiguity of
// INSERT … SELECT … ON CONFLICT (https://www.sqlite.org/lang_upsert.html).
// An unchanged row matches no DO UPDATE … WHERE, so it writes nothing.
const (
	markHadAccess = `UPDATE bulk_websites SET had_access = 1 WHERE EXISTS (SELECT 1 FROM websites w CROSS JOIN accesses a
		WHERE w.number = bulk_websites.number AND a.website_id = w.id AND a.provider_id = ? AND a.status = 'active')`
	// Staged domains are new unless active already: a first import updates
	// no staging row here, a re-run every one.
	markNewDomains = `UPDATE bulk_domains SET is_new = 0 WHERE EXISTS (SELECT 1 FROM domains d WHERE d.name = bulk_domains.name AND d.status = 'active')`
	mergeEntities  = `INSERT INTO entities (account_id, cert_index, nature, name, province, number, license_number, status, next_site,
		data_enc, origin, approved_at, created_at, updated_at)
		SELECT ?, 'imported:' || s.number, s.nature, s.name, s.province, s.number, s.licence, 'active', s.next_site, '', 'imported', s.updated_at, ?, s.updated_at
		FROM bulk_entities s WHERE true
		ON CONFLICT (number) DO UPDATE SET
			name = CASE WHEN entities.origin = 'imported' THEN excluded.name ELSE entities.name END,
			nature = CASE WHEN entities.origin = 'imported' THEN excluded.nature ELSE entities.nature END,
			license_number = CASE WHEN entities.origin = 'imported' THEN COALESCE(excluded.license_number, entities.license_number)
				ELSE entities.license_number END,
			updated_at = CASE WHEN entities.origin = 'imported' THEN excluded.updated_at ELSE entities.updated_at END,
			next_site = CASE WHEN excluded.next_site > entities.next_site THEN excluded.next_site ELSE entities.next_site END
		WHERE (entities.origin = 'imported' AND (entities.name <> excluded.name OR entities.nature <> excluded.nature
			OR (excluded.license_number IS NOT NULL AND entities.license_number IS DISTINCT FROM excluded.license_number)))
			OR entities.next_site < excluded.next_site`
	// The service type is the one the number carries, so a number never
	// changes type and the update leaves it.
	mergeWebsites = `INSERT INTO websites (entity_id, site_index, number, name, home_url, content_types, limit_access, service_type, status, data_enc,
		approved_at, updated_at)
		SELECT e.id, s.site_index, s.number, s.name, s.home_url, s.content_types, s.limit_access, s.service_type, 'active', '', s.updated_at, s.updated_at
		FROM bulk_websites s CROSS JOIN entities e WHERE e.number = s.entity_number
		ON CONFLICT (number) DO UPDATE SET name = excluded.name, home_url = excluded.home_url, content_types = excluded.content_types,
			limit_access = excluded.limit_access, updated_at = excluded.updated_at
		WHERE websites.name <> excluded.name OR websites.home_url <> excluded.home_url OR websites.content_types <> excluded.content_types
			OR websites.limit_access <> excluded.limit_access OR websites.updated_at <> excluded.updated_at`
	mergeAccesses = `INSERT INTO accesses (website_id, provider_id, status, ips, created_at, updated_at)
		SELECT w.id, ?, 'active', '[]', ?, ? FROM bulk_websites s CROSS JOIN websites w WHERE w.number = s.number AND s.had_access = 0
		ON CONFLICT (website_id, provider_id) DO UPDATE SET status = 'active', updated_at = excluded.updated_at
		WHERE accesses.status <> 'active'`
	// A website with access again is no longer an empty shell (see filing's addAccess).
	clearShell   = `UPDATE websites SET shell_since = NULL WHERE shell_since IS NOT NULL AND number IN (SELECT number FROM bulk_websites)`
	mergeDomains = `INSERT INTO domains (website_id, name, status)
		SELECT w.id, s.name, 'active' FROM bulk_domains s CROSS JOIN websites w WHERE s.is_new = 1 AND w.number = s.website_number`
	// The feed gets every domain that entered the provider's allow-list:
	// all active domains of a website that had no access here, and the new
	// domains of one that had.
	mergeFeed = `INSERT INTO gate_log (provider_id, domain, op, number, status, at)
		SELECT ?, d.name, ?, w.number, ?, ? FROM bulk_websites s CROSS JOIN websites w CROSS JOIN domains d
		WHERE w.number = s.number AND w.status = 'active' AND d.website_id = w.id AND d.status = 'active'
		AND (s.had_access = 0 OR d.name IN (SELECT name FROM bulk_domains WHERE is_new = 1))
		ORDER BY w.number, d.name`
	raiseCounter = `INSERT INTO counters (name, value) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET value = excluded.value WHERE counters.value < excluded.value`
)

// merge writes the staged batch into the registry.
func (im *importer) merge(ctx context.Context, tx *store.BulkTx, b *batch, w *written) error {
	now := store.Micros(im.now)
	exec := func(what, q string, n *int64, args ...any) error {
		res, err := tx.Q().ExecContext(ctx, q, args...)
		if err != nil {
			return fmt.Errorf("%s: %w", what, err)
		}
		if n != nil {
			k, err := res.RowsAffected()
			if err != nil {
				return fmt.Errorf("%s: %w", what, err)
			}
			*n += k
		}
		return nil
	}
	var other int64
	steps := []struct {
		what, q string
		n       *int64
		args    []any
	}{
		{"mark access", markHadAccess, nil, []any{im.providerID}},
		{"mark domains", markNewDomains, nil, nil},
		{"entities", mergeEntities, &w.entities, []any{im.ownerID, now}},
		{"websites", mergeWebsites, &w.websites, nil},
		{"accesses", mergeAccesses, &w.accesses, []any{im.providerID, now, now}},
		{"empty shells", clearShell, &other, nil},
		{"domains", mergeDomains, &w.domains, nil},
	}
	for _, s := range steps {
		if s.q == clearShell && !im.shells {
			continue
		}
		if err := exec(s.what, s.q, s.n, s.args...); err != nil {
			return err
		}
	}
	// Counters: the highest imported serial of each province and year.
	top := map[string]int{}
	for i := range b.rows {
		if r := &b.rows[i]; !b.dropped[i] {
			if k := counterName(r.province, r.year); r.serial > top[k] {
				top[k] = r.serial
			}
		}
	}
	keys := make([]string, 0, len(top))
	for k := range top {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if err := exec("counter "+k, raiseCounter, &other, k, top[k]); err != nil {
			return err
		}
	}
	if w.entities+w.websites+w.accesses+w.domains+other == 0 {
		return nil // nothing changed: no audit row, no feed entry
	}
	// The audit append takes the head's row lock first, which also orders
	// the gate-log versions by commit on PostgreSQL (see filing's lockFeed).
	err := im.opt.Chain.Append(ctx, tx.Tx, audit.Entry{At: im.now, ActorRole: "operator", Action: "bulk.import",
		Subject: fmt.Sprintf("provider:%d", im.providerID), Details: map[string]any{
			"file": im.opt.Name, "first_line": b.rows[0].line, "last_line": b.last, "rows": len(b.rows) - len(b.dropped),
			"entities": w.entities, "websites": w.websites, "domains": w.domains, "accesses": w.accesses}})
	if err != nil {
		return err
	}
	return exec("gate feed", mergeFeed, &w.feed, im.providerID, gate.OpUpsert, gate.FeedApproved, now)
}
