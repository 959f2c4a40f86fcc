package gate

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"iter"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/beian/beian/internal/hostname"
)

// Paths of the platform's gate feed (beian's own API v1).
const (
	FeedSnapshotPath = "/api/v1/gate/snapshot" // the whole allow-list, ETag "<version>"
	FeedChangesPath  = "/api/v1/gate/changes"  // ?since=N: the changes after version N
)

// Feed statuses and change operations on the wire.
const (
	FeedApproved = "approved" // allowed, with its number
	FeedPending  = "pending"  // an application is in progress: blocked, reported PENDING
	OpUpsert     = "upsert"   // add or replace a domain
	OpDelete     = "delete"   // remove a domain
)

// FeedEntry is one domain of a snapshot: status "approved" (with its number)
// or "pending".
type FeedEntry struct {
	Domain string `json:"domain"`
	Number string `json:"number,omitempty"`
	Status string `json:"status"`
}

// Snapshot is the body of GET /api/v1/gate/snapshot; the response carries
// ETag "<version>" and answers If-None-Match with 304.
type Snapshot struct {
	Version     int64       `json:"version"`
	GeneratedAt time.Time   `json:"generated_at"`
	Entries     []FeedEntry `json:"entries"`
}

// Change is one step of GET /api/v1/gate/changes?since=N: an upsert (with
// number and status) or a delete of one domain, at its own version.
type Change struct {
	Version int64  `json:"version"`
	Op      string `json:"op"`
	Domain  string `json:"domain"`
	Number  string `json:"number,omitempty"`
	Status  string `json:"status,omitempty"`
}

// Changes is the body of GET /api/v1/gate/changes?since=N: the changes after
// N, oldest first, and the version they lead to (N itself when nothing
// changed). A since too old for the server's change log is answered 410 Gone,
// and the client fetches a snapshot instead.
type Changes struct {
	Version int64    `json:"version"`
	Changes []Change `json:"changes"`
}

// WriteSnapshot streams a snapshot body to w without holding the entries in
// memory, for the platform's side of the feed.
func WriteSnapshot(w io.Writer, version int64, generatedAt time.Time, entries iter.Seq[FeedEntry]) error {
	if _, err := fmt.Fprintf(w, `{"version":%d,"generated_at":%q,"entries":[`, version, generatedAt.UTC().Format(time.RFC3339)); err != nil {
		return fmt.Errorf("gate feed: %w", err)
	}
	enc := json.NewEncoder(w)
	first := true
	for e := range entries {
		if !first {
			if _, err := io.WriteString(w, ","); err != nil {
				return fmt.Errorf("gate feed: %w", err)
			}
		}
		first = false
		if err := enc.Encode(e); err != nil {
			return fmt.Errorf("gate feed: %w", err)
		}
	}
	if _, err := io.WriteString(w, "]}\n"); err != nil {
		return fmt.Errorf("gate feed: %w", err)
	}
	return nil
}

// DefaultFeedMaxBytes caps a feed response (a 1M-domain snapshot is about 80 MB).
const DefaultFeedMaxBytes = 1 << 30

// DefaultChangesTimeout bounds one poll for changes. An answer of changes is
// small; a poll that takes longer is stuck on a path that was cut without a
// reset (a blackholed peer, a frozen server), and would otherwise hold the
// gate's polling for the client's whole timeout (five minutes) after the
// feed is back. Failing it lets the next poll open a fresh connection.
const DefaultChangesTimeout = 30 * time.Second

// Feed is the client of the platform's gate feed: a Source (the snapshot)
// and a Poller (the changes since the set's version, ETag-aware). A feed that
// cannot be reached leaves the gate on its last set.
type Feed struct {
	base     *url.URL
	token    string
	client   *http.Client
	maxBytes int64
	// changesTimeout bounds a poll for changes (DefaultChangesTimeout);
	// a snapshot has only the client's timeout, since a large one takes long.
	changesTimeout time.Duration
}

// NewFeed returns a feed client for the platform at base (http or https;
// the /api/v1/gate paths are added) with a gate token. client nil means one
// with a 5-minute timeout.
func NewFeed(base, token string, client *http.Client) (*Feed, error) {
	u, err := url.Parse(strings.TrimSuffix(base, "/"))
	if err != nil {
		return nil, fmt.Errorf("gate feed: URL %q: %w", base, err)
	}
	if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.RawQuery != "" || u.Fragment != "" {
		return nil, fmt.Errorf("gate feed: URL %q: want http(s)://host[/prefix]", base)
	}
	if token == "" {
		return nil, errors.New("gate feed: no token (give --token or BEIAN_GATE_TOKEN)")
	}
	if strings.ContainsAny(token, "\r\n \t") {
		return nil, errors.New("gate feed: the token holds white space")
	}
	if client == nil {
		client = &http.Client{Timeout: 5 * time.Minute}
	}
	return &Feed{base: u, token: token, client: client, maxBytes: DefaultFeedMaxBytes, changesTimeout: DefaultChangesTimeout}, nil
}

// String names the source in logs, without the token.
func (f *Feed) String() string { return "feed " + f.base.String() }

// Load fetches the whole snapshot.
func (f *Feed) Load(ctx context.Context) (*Set, error) {
	return f.snapshot(ctx, nil)
}

// Poll brings cur up to date: the changes since cur.Version applied to a
// copy of cur, cur itself when nothing changed, a fresh snapshot when the
// server answers 410 Gone (cur too old) or when there is no cur yet.
func (f *Feed) Poll(ctx context.Context, cur *Set) (*Set, error) {
	if cur == nil {
		return f.snapshot(ctx, nil)
	}
	u := f.url(FeedChangesPath)
	u.RawQuery = "since=" + strconv.FormatInt(cur.Version, 10)
	cctx, cancel := context.WithTimeout(ctx, f.changesTimeout)
	defer cancel()
	resp, err := f.get(cctx, u, "")
	if err != nil {
		return nil, err
	}
	defer drain(resp.Body)
	switch resp.StatusCode {
	case http.StatusOK:
	case http.StatusNotModified:
		return cur, nil
	case http.StatusGone:
		drain(resp.Body) // free the connection for the snapshot
		return f.snapshot(ctx, cur)
	default:
		return nil, statusError("changes", resp)
	}
	var ch Changes
	if err := json.NewDecoder(f.limit(resp.Body)).Decode(&ch); err != nil {
		return nil, fmt.Errorf("gate feed: changes: %w", err)
	}
	return applyChanges(cur, ch)
}

// applyChanges returns cur with ch applied, as a new Set (cur is untouched).
func applyChanges(cur *Set, ch Changes) (*Set, error) {
	if len(ch.Changes) == 0 {
		if ch.Version != cur.Version {
			// The version moved with nothing to apply: trust it (changes may
			// have cancelled out server-side) but keep the same entries.
			next := *cur
			next.Version = ch.Version
			return &next, nil
		}
		return cur, nil
	}
	last := cur.Version
	final := make(map[string]Change, len(ch.Changes))
	order := make([]string, 0, len(ch.Changes))
	for i, c := range ch.Changes {
		if c.Version <= last {
			return nil, fmt.Errorf("gate feed: change %d: version %d after %d is out of order", i, c.Version, last)
		}
		last = c.Version
		name, err := hostname.Normalize(c.Domain)
		if err != nil {
			return nil, fmt.Errorf("gate feed: change %d: %w %q: %w", i, ErrDomain, c.Domain, err)
		}
		switch c.Op {
		case OpUpsert, OpDelete:
		default:
			return nil, fmt.Errorf("gate feed: change %d: unknown op %q", i, c.Op)
		}
		if _, seen := final[name]; !seen {
			order = append(order, name)
		}
		final[name] = c
	}
	version := max(ch.Version, last)
	b := NewBuilder(cur.Len() + len(final))
	for e := range cur.All() {
		if _, changed := final[e.Domain]; changed {
			continue
		}
		if err := b.add(e.Domain, e.Number, e.Status); err != nil {
			return nil, err
		}
	}
	for _, name := range order {
		c := final[name]
		if c.Op == OpDelete {
			continue
		}
		st, ok := feedStatus(c.Status)
		if !ok {
			continue // an unknown status is not allowed: the domain is dropped
		}
		if err := b.add(name, c.Number, st); err != nil {
			return nil, fmt.Errorf("gate feed: change at version %d: %w", c.Version, err)
		}
	}
	return b.Build(version), nil
}

func feedStatus(s string) (Status, bool) {
	switch s {
	case FeedApproved:
		return StatusApproved, true
	case FeedPending:
		return StatusPending, true
	}
	return StatusSuspended, false
}

// snapshot fetches the snapshot, conditionally on cur's version.
func (f *Feed) snapshot(ctx context.Context, cur *Set) (*Set, error) {
	etag := ""
	if cur != nil {
		etag = `"` + strconv.FormatInt(cur.Version, 10) + `"`
	}
	resp, err := f.get(ctx, f.url(FeedSnapshotPath), etag)
	if err != nil {
		return nil, err
	}
	defer drain(resp.Body)
	switch resp.StatusCode {
	case http.StatusOK:
	case http.StatusNotModified:
		if cur == nil {
			return nil, errors.New("gate feed: snapshot: 304 to an unconditional request")
		}
		return cur, nil
	default:
		return nil, statusError("snapshot", resp)
	}
	s, err := decodeSnapshot(f.limit(resp.Body))
	if err != nil {
		return nil, fmt.Errorf("gate feed: snapshot: %w", err)
	}
	return s, nil
}

// decodeSnapshot streams a snapshot into a Set, one entry at a time, so a
// million entries never sit in memory as Go structs. An entry with an unknown
// status is left out (not allowed); a bad domain or number fails the load.
func decodeSnapshot(r io.Reader) (*Set, error) {
	dec := json.NewDecoder(r)
	if err := expectDelim(dec, '{'); err != nil {
		return nil, err
	}
	b := NewBuilder(0)
	var version int64
	haveVersion, haveEntries := false, false
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, err
		}
		switch key, _ := tok.(string); key {
		case "version":
			if err := dec.Decode(&version); err != nil {
				return nil, fmt.Errorf("version: %w", err)
			}
			haveVersion = true
		case "entries":
			if err := expectDelim(dec, '['); err != nil {
				return nil, fmt.Errorf("entries: %w", err)
			}
			for i := 0; dec.More(); i++ {
				var e FeedEntry
				if err := dec.Decode(&e); err != nil {
					return nil, fmt.Errorf("entries[%d]: %w", i, err)
				}
				st, ok := feedStatus(e.Status)
				if !ok {
					continue
				}
				if err := b.Add(e.Domain, e.Number, st); err != nil {
					return nil, fmt.Errorf("entries[%d]: %w", i, err)
				}
			}
			if err := expectDelim(dec, ']'); err != nil {
				return nil, fmt.Errorf("entries: %w", err)
			}
			haveEntries = true
		default:
			var skip json.RawMessage
			if err := dec.Decode(&skip); err != nil {
				return nil, fmt.Errorf("%s: %w", key, err)
			}
		}
	}
	if err := expectDelim(dec, '}'); err != nil {
		return nil, err
	}
	if !haveVersion || !haveEntries {
		return nil, errors.New(`want "version" and "entries"`)
	}
	return b.Build(version), nil
}

func expectDelim(dec *json.Decoder, want json.Delim) error {
	tok, err := dec.Token()
	if err != nil {
		return err
	}
	if d, ok := tok.(json.Delim); !ok || d != want {
		return fmt.Errorf("want %q, got %v", want, tok)
	}
	return nil
}

func (f *Feed) url(path string) *url.URL {
	u := *f.base
	u.Path = strings.TrimSuffix(u.Path, "/") + path
	u.RawPath = ""
	return &u
}

func (f *Feed) get(ctx context.Context, u *url.URL, ifNoneMatch string) (*http.Response, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return nil, fmt.Errorf("gate feed: %w", err)
	}
	req.Header.Set("Authorization", "Bearer "+f.token)
	req.Header.Set("Accept", "application/json")
	if ifNoneMatch != "" {
		req.Header.Set("If-None-Match", ifNoneMatch)
	}
	resp, err := f.client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("gate feed: %w", err)
	}
	return resp, nil
}

// limit caps a response body; reading past the cap is an error, not a
// silently truncated (and so partial) allow-list.
func (f *Feed) limit(r io.Reader) io.Reader {
	return &capReader{r: r, left: f.maxBytes, max: f.maxBytes}
}

type capReader struct {
	r         io.Reader
	left, max int64
}

// Read implements io.Reader, failing once the cap is passed.
func (c *capReader) Read(p []byte) (int, error) {
	if c.left <= 0 {
		return 0, fmt.Errorf("gate feed: response larger than the %d-byte cap", c.max)
	}
	if int64(len(p)) > c.left {
		p = p[:c.left]
	}
	n, err := c.r.Read(p)
	c.left -= int64(n)
	return n, err
}

func statusError(what string, resp *http.Response) error {
	msg, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
	return fmt.Errorf("gate feed: %s: %s: %s", what, resp.Status, strings.TrimSpace(string(msg)))
}

// drain reads a little of what is left so the connection can be reused, and closes.
func drain(body io.ReadCloser) {
	_, _ = io.Copy(io.Discard, io.LimitReader(body, 64<<10))
	_ = body.Close()
}
