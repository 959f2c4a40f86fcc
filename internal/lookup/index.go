package lookup

import (
	"bytes"
	"cmp"
	"context"
	"database/sql"
	"encoding/binary"
	"errors"
	"fmt"
	"github.com/beian/beian/internal/form"
	"math"
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/beian/beian/internal/icpnum"
	"github.com/beian/beian/internal/store"
)

// snapshot is every row the public lookup can return, held in memory so
// that a lookup costs a hash probe or a binary search instead of a query:
// the lookup then answers at the speed of the HTTP server, not of the
// database's read pool. It is immutable once built and replaced whole when
// the registry changes.
//
// Strings live in one byte arena and are referred to by offset, and the
// indexes are open-addressing tables of int32 (see table): the structure
// holds no pointers, so a registry of millions of rows costs the garbage
// collector nothing to scan, and building it allocates a few large slices
// rather than a string per field.
type snapshot struct {
	arena    []byte
	ents     []ent
	sites    []site
	rows     []row   // every row of the lookup, in its order (entity name, website id, domain id)
	entSites []int32 // site indices grouped by entity (ent.sites0..sites1), ascending website id
	apps     []int32 // the sites that are not websites, by name (bytes), ties by index

	byDomain  table // active domain name → row
	bySite    table // service number → site
	byEntity  table // entity number → ent
	byLicence table // ICP licence number → ent

	version string        // Registry.Version read before the load
	built   time.Duration // how long the load took
}

// idIndex maps database ids to indices: through a slice when the ids are
// dense, as they are when the database allocates them (a million-entry map
// costs more to fill than the rest of the build), else a map.
type idIndex struct {
	dense  []int32 // id → index+1
	sparse map[int64]int32
}

func newIDIndex(maxID, count int64) idIndex {
	if maxID >= 0 && maxID <= 4*count+1024 {
		return idIndex{dense: make([]int32, maxID+1), sparse: map[int64]int32{}}
	}
	return idIndex{sparse: make(map[int64]int32, min(count, 1<<24))}
}

func (x *idIndex) get(id int64) (int32, bool) {
	if id >= 0 && id < int64(len(x.dense)) {
		v := x.dense[id]
		return v - 1, v != 0
	}
	v, ok := x.sparse[id]
	return v, ok
}

func (x *idIndex) set(id int64, v int32) {
	if id >= 0 && id < int64(len(x.dense)) {
		x.dense[id] = v + 1
		return
	}
	x.sparse[id] = v
}

// ref is a string of the arena.
type ref struct{ off, n uint32 }

// ent is an entity: its name, number and licence number back to back in
// the arena from off, and its sites in entSites[sites0:sites1].
type ent struct {
	off               uint32
	nameN, numN, licN uint16
	nature            uint8 // index into natureLabels
	sites0, sites1    int32
}

func (e ent) name() ref    { return ref{e.off, uint32(e.nameN)} }
func (e ent) number() ref  { return ref{e.off + uint32(e.nameN), uint32(e.numN)} }
func (e ent) licence() ref { return ref{e.off + uint32(e.nameN) + uint32(e.numN), uint32(e.licN)} }

// site is a filed service: its number, name and home URL back to back in
// the arena from off, its content types (shared between sites) at typesOff,
// and its rows rows[row0:row0+nrows].
type site struct {
	id, updated        int64
	ent                int32
	off, typesOff      uint32
	numN, nameN, homeN uint16
	typesN             uint16
	limit              bool
	service            uint8 // index into serviceTypes
	row0, nrows        int32
}

func (t site) number() ref { return ref{t.off, uint32(t.numN)} }
func (t site) name() ref   { return ref{t.off + uint32(t.numN), uint32(t.nameN)} }
func (t site) home() ref   { return ref{t.off + uint32(t.numN) + uint32(t.nameN), uint32(t.homeN)} }
func (t site) types() ref  { return ref{t.typesOff, uint32(t.typesN)} }

type row struct {
	site     int32
	domain   ref
	domainID int64
}

func (s *snapshot) b(r ref) []byte   { return s.arena[r.off : r.off+r.n : r.off+r.n] }
func (s *snapshot) str(r ref) string { return string(s.b(r)) }

// add appends v to the arena.
func (s *snapshot) add(v []byte) ref {
	r := ref{off: uint32(len(s.arena)), n: uint32(len(v))}
	s.arena = append(s.arena, v...)
	return r
}

// addAll appends the fields back to back and returns where they start and
// their lengths; ok is false when one is longer than 64 KiB, which no
// public field of a filing is.
func (s *snapshot) addAll(lens []uint16, fields ...[]byte) (off uint32, ok bool) {
	off = uint32(len(s.arena))
	for i, f := range fields {
		if len(f) > 0xFFFF {
			return 0, false
		}
		lens[i] = uint16(len(f))
		s.arena = append(s.arena, f...)
	}
	return off, true
}

// natureLabels are the labels form.NatureName returns, in a fixed order.
var natureLabels = [...]string{"企业", "个人", "政府机关", "事业单位", "社会团体", "其他"}

// serviceTypes are the service types in the order of their codes in site.
var serviceTypes = [...]icpnum.ServiceType{icpnum.ServiceWebsite, icpnum.ServiceApp, icpnum.ServiceMiniProgram, icpnum.ServiceQuickApp}

func serviceCode(t icpnum.ServiceType) uint8 {
	for i, v := range serviceTypes {
		if v == t {
			return uint8(i)
		}
	}
	return 0
}

func natureIndex(nature string) uint8 {
	label := form.NatureName(nature)
	for i, l := range natureLabels {
		if l == label {
			return uint8(i)
		}
	}
	return uint8(len(natureLabels) - 1)
}

// loadRows is the one statement a snapshot is built from: one statement, so
// that it sees one consistent state of the registry on both databases.
// Rows come in any order (no sort: PostgreSQL would spill a million rows to
// disk to order them), one per website and active domain. The text
// columns come joined by US (U+001F) into one: every column read costs the
// SQLite driver a few locked calls, and this halves the columns read for a
// million rows. A row whose text itself holds a US (never in a name the
// platform checked) is read again unjoined (loadRow).
const loadRows = `SELECT w.id, w.entity_id, w.limit_access, w.updated_at, COALESCE(d.id, 0),
	e.nature || SEP || e.name || SEP || COALESCE(e.number, '') || SEP || COALESCE(e.license_number, '') || SEP ||
	w.number || SEP || w.name || SEP || w.home_url || SEP || w.content_types || SEP || w.service_type || SEP || COALESCE(d.name, '')
	FROM websites w JOIN entities e ON e.id = w.entity_id
	LEFT JOIN domains d ON d.website_id = w.id AND d.status = 'active'
	WHERE w.status = 'active' AND e.status = 'active'`

// loadRow reads the text of one row of loadRows unjoined.
const loadRow = `SELECT e.nature, e.name, COALESCE(e.number, ''), COALESCE(e.license_number, ''), w.number, w.name, w.home_url,
	w.content_types, w.service_type, COALESCE(d.name, '')
	FROM websites w JOIN entities e ON e.id = w.entity_id
	LEFT JOIN domains d ON d.website_id = w.id AND d.status = 'active'
	WHERE w.id = ? AND COALESCE(d.id, 0) = ?`

// textColumns is the number of text fields of a row of loadRows.
const textColumns = 10

// splitText splits a joined row into its fields; ok is false when the
// count is wrong (a field held the separator).
func splitText(b []byte, f *[textColumns][]byte) bool {
	for i := 0; i < textColumns-1; i++ {
		j := bytes.IndexByte(b, 0x1f)
		if j < 0 {
			return false
		}
		f[i], b = b[:j], b[j+1:]
	}
	f[textColumns-1] = b
	return bytes.IndexByte(b, 0x1f) < 0
}

// dom is an active domain of site, during a build.
type dom struct {
	site int32
	name ref
	id   int64
}

// part is what one scan of a range of website ids read: its own arena,
// entities (with their ids, to merge) and sites, and the domains.
type part struct {
	snapshot
	entIDs []int64
	doms   []dom
}

// load builds a snapshot of the registry. With several processors the rows
// are read in as many ranges of website ids at once (each range is one
// statement, so the whole is not one instant of the registry: the version
// read first covers that, as a change during the load moves it and the
// next check drops this index).
func (r *Registry) load(ctx context.Context) (*snapshot, error) {
	start := time.Now()
	version, err := r.Version(ctx)
	if err != nil {
		return nil, err
	}
	// Sizes to allocate for: the rows to come, and the largest ids.
	var total, maxEntity, maxSite int64
	if err := r.db.R().QueryRowContext(ctx, `SELECT (SELECT COUNT(*) FROM websites WHERE status = 'active'),
		(SELECT COALESCE(MAX(id), 0) FROM entities), (SELECT COALESCE(MAX(id), 0) FROM websites)`).Scan(&total, &maxEntity, &maxSite); err != nil {
		return nil, fmt.Errorf("lookup: index: %w", err)
	}
	n := r.parts
	if n <= 0 {
		n = 1
		if total >= 1<<17 {
			n = min(runtime.GOMAXPROCS(0), 4)
		}
	}
	parts := make([]*part, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		// Ranges of equal width in id space: ids are dense where it matters.
		lo, hi := maxSite/int64(n)*int64(i), maxSite/int64(n)*int64(i+1)
		if i == 0 {
			lo = math.MinInt64
		}
		if i == n-1 {
			hi = math.MaxInt64
		}
		wg.Go(func() { parts[i], errs[i] = r.scan(ctx, lo, hi, maxEntity, maxSite, int(min(total, 1<<26))/n) })
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	s, doms, err := merge(parts, maxEntity, total)
	if err != nil {
		return nil, err
	}
	s.version = version
	s.finish(doms)
	s.built = time.Since(start)
	return s, nil
}

// scan reads the rows of websites with lo <= id < hi.
func (r *Registry) scan(ctx context.Context, lo, hi, maxEntity, maxSite int64, est int) (*part, error) {
	p := &part{}
	s := &p.snapshot
	s.arena = make([]byte, 0, est*96)
	s.sites = make([]site, 0, est)
	s.ents = make([]ent, 0, est)
	p.entIDs = make([]int64, 0, est)
	p.doms = make([]dom, 0, est)
	entOf, siteOf := newIDIndex(maxEntity, int64(est)), newIDIndex(maxSite, int64(est))
	types := map[string]ref{} // content types repeat: stored once each

	sep := "char(31)"
	if r.db.Dialect() == store.Postgres {
		sep = "chr(31)"
	}
	rows, err := r.db.R().QueryContext(ctx, strings.ReplaceAll(loadRows, "SEP", sep)+` AND w.id >= ? AND w.id < ?`, lo, hi)
	if err != nil {
		return nil, fmt.Errorf("lookup: index: %w", err)
	}
	defer rows.Close()
	var (
		wid, eid, did, updated int64
		limit                  int
		text                   sql.RawBytes
		f                      [textColumns][]byte
	)
	for rows.Next() {
		if err := rows.Scan(&wid, &eid, &limit, &updated, &did, &text); err != nil {
			return nil, fmt.Errorf("lookup: index: %w", err)
		}
		if !splitText(text, &f) {
			var v [textColumns]string
			if err := r.db.R().QueryRowContext(ctx, loadRow, wid, did).Scan(&v[0], &v[1], &v[2], &v[3], &v[4], &v[5], &v[6], &v[7], &v[8], &v[9]); err != nil {
				return nil, fmt.Errorf("lookup: index: website %d: %w", wid, err)
			}
			for i := range v {
				f[i] = []byte(v[i])
			}
		}
		nature, ename, enum, lic, wnum, wname, home, ct, stype, dname := f[0], f[1], f[2], f[3], f[4], f[5], f[6], f[7], f[8], f[9]
		si, ok := siteOf.get(wid)
		if !ok {
			si = int32(len(s.sites))
			siteOf.set(wid, si)
			e, ok := entOf.get(eid)
			if !ok {
				e = int32(len(s.ents))
				entOf.set(eid, e)
				var n [3]uint16
				off, ok := s.addAll(n[:], ename, enum, lic)
				if !ok {
					return nil, fmt.Errorf("lookup: index: entity %d: a field is longer than 64 KiB", eid)
				}
				s.ents = append(s.ents, ent{off: off, nameN: n[0], numN: n[1], licN: n[2], nature: natureIndex(string(nature))})
				p.entIDs = append(p.entIDs, eid)
			}
			t, ok := types[string(ct)]
			if !ok {
				if len(ct) > 0xFFFF {
					return nil, fmt.Errorf("lookup: index: website %d: content types longer than 64 KiB", wid)
				}
				t = s.add(ct)
				if len(types) < 1<<12 {
					types[string(ct)] = t
				}
			}
			var n [3]uint16
			off, ok := s.addAll(n[:], wnum, wname, home)
			if !ok {
				return nil, fmt.Errorf("lookup: index: website %d: a field is longer than 64 KiB", wid)
			}
			s.sites = append(s.sites, site{id: wid, updated: updated, ent: e, off: off, numN: n[0], nameN: n[1], homeN: n[2],
				typesOff: t.off, typesN: uint16(t.n), limit: limit != 0, service: serviceCode(icpnum.ServiceType(stype))})
		}
		if did != 0 {
			p.doms = append(p.doms, dom{site: si, id: did, name: s.add(dname)})
		}
		if len(s.arena) > maxArena {
			return nil, errArena
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("lookup: index: %w", err)
	}
	return p, nil
}

// maxArena keeps arena offsets within uint32.
const maxArena = 1<<32 - 1<<20

var errArena = errors.New("lookup: index: the registry's public text exceeds 4 GiB")

// merge joins the parts into one snapshot: arenas end to end (offsets
// moved), sites after one another, an entity read by two parts kept once.
func merge(parts []*part, maxEntity, total int64) (*snapshot, []dom, error) {
	if len(parts) == 1 {
		return &parts[0].snapshot, parts[0].doms, nil
	}
	var size, nsites, nents, ndoms int
	for _, p := range parts {
		size += len(p.arena)
		nsites += len(p.sites)
		nents += len(p.ents)
		ndoms += len(p.doms)
	}
	if size > maxArena {
		return nil, nil, errArena
	}
	s := &snapshot{arena: make([]byte, 0, size), sites: make([]site, 0, nsites), ents: make([]ent, 0, nents)}
	doms := make([]dom, 0, ndoms)
	entOf := newIDIndex(maxEntity, total)
	for _, p := range parts {
		base, siteBase := uint32(len(s.arena)), int32(len(s.sites))
		s.arena = append(s.arena, p.arena...)
		p.arena = nil
		global := make([]int32, len(p.ents)) // the part's entity → the snapshot's
		for j, e := range p.ents {
			g, ok := entOf.get(p.entIDs[j])
			if !ok {
				g = int32(len(s.ents))
				entOf.set(p.entIDs[j], g)
				e.off += base
				s.ents = append(s.ents, e)
			}
			global[j] = g
		}
		for _, st := range p.sites {
			st.off += base
			st.typesOff += base
			st.ent = global[st.ent]
			s.sites = append(s.sites, st)
		}
		for _, d := range p.doms {
			d.site += siteBase
			d.name.off += base
			doms = append(doms, d)
		}
		p.ents, p.sites, p.doms = nil, nil, nil
	}
	return s, doms, nil
}

// finish orders the rows and builds the indexes of a snapshot whose
// entities, sites and domains are read.
func (s *snapshot) finish(doms []dom) {
	// Each site's domains together (counting sort by site); emit orders
	// them by id.
	domStart := make([]int32, len(s.sites)+1) // site i's are doms[domStart[i]:domStart[i+1]]
	for _, d := range doms {
		domStart[d.site+1]++
	}
	for i := 1; i < len(domStart); i++ {
		domStart[i] += domStart[i-1]
	}
	{
		next := slices.Clone(domStart[:len(s.sites)])
		sorted := make([]dom, len(doms))
		for _, d := range doms {
			sorted[next[d.site]] = d
			next[d.site]++
		}
		doms = sorted
	}

	// Each entity's sites, in website id order.
	ne := len(s.ents)
	count := make([]int32, ne+1)
	for i := range s.sites {
		count[s.sites[i].ent+1]++
	}
	for i := 1; i <= ne; i++ {
		count[i] += count[i-1]
	}
	for i := range s.ents {
		s.ents[i].sites0, s.ents[i].sites1 = count[i], count[i]
	}
	s.entSites = make([]int32, len(s.sites))
	for i := range s.sites {
		e := &s.ents[s.sites[i].ent]
		s.entSites[e.sites1] = int32(i)
		e.sites1++
	}
	byID := func(a, b int32) int { return cmp.Compare(s.sites[a].id, s.sites[b].id) }
	for i := range s.ents {
		if e := s.ents[i]; e.sites1-e.sites0 > 1 {
			slices.SortFunc(s.entSites[e.sites0:e.sites1], byID)
		}
	}

	// Rows in the lookup's order: entities by name (bytes, which is code
	// point order), and where names are equal, the websites of all those
	// entities by id; each website's domains by id, or one row without a
	// domain.
	order := s.nameOrder()
	s.rows = make([]row, 0, len(doms)+len(s.sites)/8)
	var run []int32
	emit := func(si int32) {
		st := &s.sites[si]
		st.row0 = int32(len(s.rows))
		ds := doms[domStart[si]:domStart[si+1]]
		if len(ds) == 0 {
			s.rows = append(s.rows, row{site: si})
		}
		slices.SortFunc(ds, func(a, b dom) int { return cmp.Compare(a.id, b.id) })
		for _, d := range ds {
			s.rows = append(s.rows, row{site: si, domain: d.name, domainID: d.id})
		}
		st.nrows = int32(len(s.rows)) - st.row0
	}
	for i := 0; i < ne; {
		j := i + 1
		for j < ne && bytes.Equal(s.b(s.ents[order[i]].name()), s.b(s.ents[order[j]].name())) {
			j++
		}
		if j == i+1 {
			e := s.ents[order[i]]
			for _, si := range s.entSites[e.sites0:e.sites1] {
				emit(si)
			}
		} else {
			run = run[:0]
			for _, ei := range order[i:j] {
				run = append(run, s.entSites[s.ents[ei].sites0:s.ents[ei].sites1]...)
			}
			slices.SortFunc(run, byID)
			for _, si := range run {
				emit(si)
			}
		}
		i = j
	}

	s.apps = s.appOrder()

	s.byDomain = newTable(len(doms))
	for i := range s.rows {
		if s.rows[i].domainID != 0 {
			s.byDomain.insert(s.b(s.rows[i].domain), int32(i), s.rowDomain)
		}
	}
	s.bySite = newTable(len(s.sites))
	for i := range s.sites {
		s.bySite.insert(s.b(s.sites[i].number()), int32(i), s.siteNumber)
	}
	s.byEntity = newTable(ne)
	s.byLicence = newTable(ne / 16)
	for i := range s.ents {
		if s.ents[i].numN > 0 {
			s.byEntity.insert(s.b(s.ents[i].number()), int32(i), s.entNumber)
		}
		if s.ents[i].licN > 0 {
			s.byLicence.insert(s.b(s.ents[i].licence()), int32(i), s.entLicence)
		}
	}
}

func (s *snapshot) rowDomain(v int32) []byte  { return s.b(s.rows[v].domain) }
func (s *snapshot) siteNumber(v int32) []byte { return s.b(s.sites[v].number()) }
func (s *snapshot) entNumber(v int32) []byte  { return s.b(s.ents[v].number()) }
func (s *snapshot) entLicence(v int32) []byte { return s.b(s.ents[v].licence()) }

// size is the approximate memory of the snapshot in bytes.
func (s *snapshot) size() int {
	const entSize, siteSize, rowSize = 20, 48, 24
	return cap(s.arena) + entSize*cap(s.ents) + siteSize*cap(s.sites) + rowSize*cap(s.rows) + 4*cap(s.entSites) + 4*cap(s.apps) +
		s.byDomain.bytes() + s.bySite.bytes() + s.byEntity.bytes() + s.byLicence.bytes()
}

// find returns the rows of rq's page, in order, and the cursor of the next
// page ("" on the last): the same rows as Registry.search.
func (s *snapshot) find(rq request) ([]int32, string) {
	out := make([]int32, 0, min(rq.limit, 8))
	next := ""
	take := func(ri int32) bool { // false once the page is full
		if rq.c.service != "" && serviceTypes[s.sites[s.rows[ri].site].service] != rq.c.service {
			return true
		}
		if rq.after && s.compare(ri, rq.cur) <= 0 {
			return true
		}
		if len(out) == rq.limit {
			next = s.cursorOf(out[len(out)-1]).encode()
			return false
		}
		out = append(out, ri)
		return true
	}
	sites := func(list []int32) {
		for _, si := range list {
			st := &s.sites[si]
			for ri := st.row0; ri < st.row0+st.nrows; ri++ {
				if !take(ri) {
					return
				}
			}
		}
	}
	switch rq.c.kind {
	case byDomain:
		var found [8]int32
		hits := found[:0]
		for _, n := range rq.c.names {
			if ri := s.byDomain.find(n, s.rowDomain); ri >= 0 {
				hits = append(hits, ri)
			}
		}
		slices.Sort(hits)
		for _, ri := range hits {
			if !take(ri) {
				break
			}
		}
	case bySite:
		if si := s.bySite.find(rq.c.value, s.siteNumber); si >= 0 {
			sites([]int32{si})
		}
	case byEntity, byLicence:
		t, key := &s.byEntity, s.entNumber
		if rq.c.kind == byLicence {
			t, key = &s.byLicence, s.entLicence
		}
		if ei := t.find(rq.c.value, key); ei >= 0 {
			e := s.ents[ei]
			sites(s.entSites[e.sites0:e.sites1])
		}
	case byName:
		// The rows of the named services, in the lookup's order (row
		// indices are that order).
		lo, _ := slices.BinarySearchFunc(s.apps, rq.c.value, s.cmpAppName)
		var rows []int32
		for _, si := range s.apps[lo:] {
			if !bytes.HasPrefix(s.b(s.sites[si].name()), []byte(rq.c.value)) {
				break
			}
			st := &s.sites[si]
			for ri := st.row0; ri < st.row0+st.nrows; ri++ {
				rows = append(rows, ri)
			}
		}
		slices.Sort(rows)
		for _, ri := range rows {
			if !take(ri) {
				break
			}
		}
	case byPrefix:
		low := rq.c.value
		if rq.cur.Name > low {
			low = rq.cur.Name
		}
		lo := s.firstName(low)
		hi := int32(len(s.rows))
		if next, ok := nextPrefix(rq.c.value); ok {
			hi = s.firstName(next)
		}
		for ri := lo; ri < hi; ri++ {
			if !take(ri) {
				break
			}
		}
	}
	return out, next
}

// search answers rq as a Page of Records.
func (s *snapshot) search(rq request, zone *time.Location) Page {
	rows, next := s.find(rq)
	page := Page{Items: make([]Record, len(rows)), Next: next}
	for i, ri := range rows {
		page.Items[i] = s.record(ri, zone)
	}
	return page
}

// render answers rq as the JSON body of the handler, written straight from
// the arena: the bytes appendPage gives for search's Page.
func (s *snapshot) render(b []byte, rq request, zone *time.Location) []byte {
	rows, next := s.find(rq)
	b = append(b, `{"items":[`...)
	for i, ri := range rows {
		if i > 0 {
			b = append(b, ',')
		}
		b = s.appendRow(b, ri, zone)
	}
	return appendNext(append(b, ']'), next)
}

// appendRow appends row ri as appendRecord appends its Record.
func (s *snapshot) appendRow(b []byte, ri int32, zone *time.Location) []byte {
	rw := &s.rows[ri]
	st := &s.sites[rw.site]
	e := &s.ents[st.ent]
	main := e.number()
	if e.licN > 0 {
		main = e.licence()
	}
	b = append(b, `{"unitName":`...)
	b = appendString(b, s.b(e.name()))
	b = append(b, `,"natureName":`...)
	b = appendString(b, natureLabels[e.nature])
	b = append(b, `,"mainLicence":`...)
	b = appendString(b, s.b(main))
	b = append(b, `,"serviceLicence":`...)
	b = appendString(b, s.b(st.number()))
	b = append(b, `,"serviceName":`...)
	b = appendString(b, s.b(st.name()))
	b = append(b, `,"domain":`...)
	b = appendString(b, s.b(rw.domain))
	b = append(b, `,"homeUrl":`...)
	b = appendString(b, s.b(st.home()))
	b = append(b, `,"contentTypeName":`...)
	b = appendString(b, s.b(st.types()))
	if st.limit {
		b = append(b, `,"limitAccess":"是","updateRecordTime":"`...)
	} else {
		b = append(b, `,"limitAccess":"否","updateRecordTime":"`...)
	}
	b = store.FromMicros(st.updated).In(zone).AppendFormat(b, time.DateTime)
	b = append(b, `","serviceType":`...)
	b = appendString(b, string(serviceTypes[st.service]))
	return append(b, '}')
}

// cmpAppName orders site si's name against name, for a binary search of
// apps.
func (s *snapshot) cmpAppName(si int32, name string) int {
	return bytes.Compare(s.b(s.sites[si].name()), []byte(name))
}

// appOrder returns the services that are not websites, by name (bytes),
// ties by index: the range a name prefix finds.
func (s *snapshot) appOrder() []int32 {
	var out []int32
	for i := range s.sites {
		if serviceTypes[s.sites[i].service] != icpnum.ServiceWebsite {
			out = append(out, int32(i))
		}
	}
	slices.SortFunc(out, func(a, b int32) int {
		if c := bytes.Compare(s.b(s.sites[a].name()), s.b(s.sites[b].name())); c != 0 {
			return c
		}
		return cmp.Compare(a, b)
	})
	return out
}

// firstName returns the first row whose entity name is at least name.
func (s *snapshot) firstName(name string) int32 {
	i, _ := slices.BinarySearchFunc(s.rows, name, func(r row, name string) int {
		return bytes.Compare(s.b(s.ents[s.sites[r.site].ent].name()), []byte(name))
	})
	return int32(i)
}

// compare orders row ri against a cursor in the lookup's order.
func (s *snapshot) compare(ri int32, c cursor) int {
	rw := &s.rows[ri]
	st := &s.sites[rw.site]
	if d := bytes.Compare(s.b(s.ents[st.ent].name()), []byte(c.Name)); d != 0 {
		return d
	}
	if st.id != c.Website {
		if st.id < c.Website {
			return -1
		}
		return 1
	}
	switch {
	case rw.domainID < c.Domain:
		return -1
	case rw.domainID > c.Domain:
		return 1
	}
	return 0
}

func (s *snapshot) cursorOf(ri int32) cursor {
	rw := &s.rows[ri]
	st := &s.sites[rw.site]
	return cursor{Name: s.str(s.ents[st.ent].name()), Website: st.id, Domain: rw.domainID}
}

// record is row ri as the lookup returns it; the fields are those
// Registry.search fills from its columns.
func (s *snapshot) record(ri int32, zone *time.Location) Record {
	rw := &s.rows[ri]
	st := &s.sites[rw.site]
	e := &s.ents[st.ent]
	rec := Record{
		UnitName:         s.str(e.name()),
		NatureName:       natureLabels[e.nature],
		MainLicence:      s.str(e.number()),
		ServiceLicence:   s.str(st.number()),
		ServiceName:      s.str(st.name()),
		Domain:           s.str(rw.domain),
		HomeURL:          s.str(st.home()),
		ContentTypeName:  s.str(st.types()),
		LimitAccess:      "否",
		UpdateRecordTime: store.FromMicros(st.updated).In(zone).Format(time.DateTime),
		ServiceType:      string(serviceTypes[st.service]),
	}
	if e.licN > 0 {
		rec.MainLicence = s.str(e.licence())
	}
	if st.limit {
		rec.LimitAccess = "是"
	}
	return rec
}

// nameKey is an entity with the first 16 bytes of its name as two
// big-endian words, zero-padded: comparing keys orders names as
// bytes.Compare does except where 16 bytes tie, and reads no arena.
type nameKey struct {
	hi, lo uint64
	ent    int32
}

// nameOrder returns the entity indices by name (bytes), ties by index.
func (s *snapshot) nameOrder() []int32 {
	keys := make([]nameKey, len(s.ents))
	for i := range s.ents {
		var k [16]byte
		copy(k[:], s.b(s.ents[i].name()))
		keys[i] = nameKey{hi: binary.BigEndian.Uint64(k[:8]), lo: binary.BigEndian.Uint64(k[8:]), ent: int32(i)}
	}
	keys = sortParallel(keys, func(a, b nameKey) int {
		switch {
		case a.hi != b.hi:
			return cmp.Compare(a.hi, b.hi)
		case a.lo != b.lo:
			return cmp.Compare(a.lo, b.lo)
		}
		if c := bytes.Compare(s.b(s.ents[a.ent].name()), s.b(s.ents[b.ent].name())); c != 0 {
			return c
		}
		return cmp.Compare(a.ent, b.ent)
	})
	order := make([]int32, len(keys))
	for i, k := range keys {
		order[i] = k.ent
	}
	return order
}

// sortParallel sorts x by cmp, in two halves at once when there are two
// processors and enough to sort, merged after: the sort of a million names
// is most of the index build that is not reading rows.
func sortParallel[T any](x []T, cmp func(a, b T) int) []T {
	if runtime.GOMAXPROCS(0) < 2 || len(x) < 1<<16 {
		slices.SortFunc(x, cmp)
		return x
	}
	mid := len(x) / 2
	var wg sync.WaitGroup
	wg.Go(func() { slices.SortFunc(x[:mid], cmp) })
	slices.SortFunc(x[mid:], cmp)
	wg.Wait()
	out := make([]T, 0, len(x))
	a, b := x[:mid], x[mid:]
	for len(a) > 0 && len(b) > 0 {
		if cmp(b[0], a[0]) < 0 {
			out, b = append(out, b[0]), b[1:]
		} else {
			out, a = append(out, a[0]), a[1:]
		}
	}
	return append(append(out, a...), b...)
}
