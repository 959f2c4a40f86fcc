package lookup

import (
	"context"
	"errors"
	"net"
	"net/http"
	"strconv"
	"time"

	"github.com/beian/beian/internal/eventloop"
)

// Path is the route of the lookup.
const Path = "/api/v1/filings"

// Serve serves ln until ctx ends: GET and HEAD of Path on an event loop per
// loops (internal/eventloop, one read and one write per request), every
// other request, and every connection where there is no event loop, by
// other, which keeps a connection once it has one. net/http costs a
// lookup answered from the index several times what the lookup itself
// does; the loop answers at nginx's pace. While there is no in-memory index
// (before the first build, after a change) lookups too go to other, whose
// goroutines can wait on the database without stalling a loop.
//
// When ctx ends Serve stops accepting, answers what it has read and shuts
// other down (its requests in flight get 10 s).
func (h *Handler) Serve(ctx context.Context, ln net.Listener, other *http.Server, loops int) error {
	err := eventloop.Serve(ctx, ln, eventloop.Config{
		Handler: func() eventloop.Handler { return &loopHandler{h: h} },
		Loops:   loops,
		Slow:    other,
		Header:  other.ReadHeaderTimeout, Idle: other.IdleTimeout, Stall: other.WriteTimeout,
		Trusts: h.opts.Trusts,
		Log:    h.opts.Log,
	})
	if !errors.Is(err, eventloop.ErrUnsupported) {
		return err
	}
	h.opts.Log.WarnContext(ctx, "lookup: no event loop; net/http serves every request", "err", err)
	errc := make(chan error, 1)
	go func() { errc <- other.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	err = other.Shutdown(sctx)
	<-errc
	return err
}

// loopHandler is the lookup on one event loop.
type loopHandler struct {
	h    *Handler
	reqs []loopReq
}

// loopReq is a parsed lookup of the round.
type loopReq struct {
	c        *eventloop.Conn
	head     eventloop.Head
	inm      []byte      // If-None-Match
	inmCount int         // If-None-Match lines
	fwd      http.Header // forwarding headers from a trusted proxy; nil if none
}

// connKey is the per-connection state: the rate-limit key of a client
// that sent no forwarding header, computed once.
type connKey struct{ key string }

func (l *loopHandler) Parse(c *eventloop.Conn, head []byte) (keepAlive, ok bool) {
	r := loopReq{c: c}
	hd, ok := eventloop.ParseHead(head, func(name, value []byte) bool {
		switch {
		case eventloop.EqualFold(name, "if-none-match"):
			r.inm = value
			r.inmCount++
		case eventloop.EqualFold(name, "x-forwarded-for"), eventloop.EqualFold(name, "forwarded"), eventloop.EqualFold(name, "x-real-ip"):
			if c.Trusted {
				if r.fwd == nil {
					r.fwd = http.Header{}
				}
				r.fwd.Add(string(name), string(value))
			}
		}
		return true
	})
	// Several If-None-Match lines are rare enough to leave to net/http,
	// which joins them; so is every other path, method and a lookup the
	// database would answer.
	if !ok || string(hd.Path) != Path || string(hd.Method) != http.MethodGet && string(hd.Method) != http.MethodHead ||
		r.inmCount > 1 || l.h.snap.Load() == nil {
		return false, false
	}
	r.head = hd
	l.reqs = append(l.reqs, r)
	return hd.KeepAlive, true
}

// Round notices writes committed in this process once per round (a query
// only when one came), as ServeHTTP does per request.
func (l *loopHandler) Round(int) {
	l.h.maybeRefresh(context.Background())
}

// Pre-rendered response parts.
var (
	loopVersion = "\r\n" + HeaderVersion + ": v2\r\nX-Content-Type-Options: nosniff\r\n"
	loopJSON    = "Content-Type: application/json; charset=utf-8\r\n"
)

func (l *loopHandler) Answer(out []byte, i int, date []byte) []byte {
	r := &l.reqs[i]
	h := l.h
	rp := h.respond(context.Background(), eventloop.String(r.head.Method), eventloop.String(r.head.Query), func() string { return l.key(r) })
	var body []byte
	out = append(out, "HTTP/1.1 "...)
	switch {
	case rp.err != nil:
		out = strconv.AppendInt(out, int64(rp.status), 10)
		out = append(out, ' ')
		out = append(out, http.StatusText(rp.status)...)
		out = append(out, loopVersion...)
		if rp.status == http.StatusTooManyRequests {
			out = append(out, "Retry-After: "...)
			out = append(out, rp.retry...)
			out = append(out, "\r\n"...)
		}
		out = append(out, "Cache-Control: no-store\r\n"...)
		body = errorBody(rp.err)
	case r.inmCount > 0 && etagMatch([]string{eventloop.String(r.inm)}, rp.e.etag[0]):
		out = append(out, "304 Not Modified"...)
		out = append(out, loopVersion...)
		out = appendTag(out, h, rp.e)
		return endHead(out, &r.head, date)
	default:
		out = append(out, "200 OK"...)
		out = append(out, loopVersion...)
		out = appendTag(out, h, rp.e)
		body = rp.e.body
	}
	out = append(out, loopJSON...)
	out = append(out, "Content-Length: "...)
	out = strconv.AppendInt(out, int64(len(body)), 10)
	out = endHead(append(out, "\r\n"...), &r.head, date)
	if !r.head.IsHead() {
		out = append(out, body...)
	}
	return out
}

// appendTag appends the ETag and Cache-Control lines of e.
func appendTag(out []byte, h *Handler, e *entry) []byte {
	out = append(out, "Etag: "...)
	out = append(out, e.etag[0]...)
	out = append(out, "\r\nCache-Control: "...)
	out = append(out, h.hv.control[0]...)
	return append(out, "\r\n"...)
}

// endHead appends the Date and Connection lines and the blank line (the
// lines before end in CRLF).
func endHead(out []byte, hd *eventloop.Head, date []byte) []byte {
	out = append(out, "Date: "...)
	out = append(out, date...)
	out = eventloop.AppendConnection(out, hd)
	return append(out, "\r\n\r\n"...)
}

// key is the rate-limit key of r's client: from a trusted proxy's
// forwarding headers when it sent some, else the connection's, computed
// once per connection.
func (l *loopHandler) key(r *loopReq) string {
	if r.fwd != nil {
		return l.h.opts.ClientKey(r.c.Peer, r.fwd)
	}
	if k, ok := r.c.Value.(*connKey); ok {
		return k.key
	}
	k := &connKey{key: l.h.opts.ClientKey(r.c.Peer, nil)}
	r.c.Value = k
	return k.key
}

func (l *loopHandler) Sent(int) { l.h.loopAnswers.Add(1) }

func (l *loopHandler) Reset() {
	clear(l.reqs) // drop the connections and the views of their buffers
	l.reqs = l.reqs[:0]
}
