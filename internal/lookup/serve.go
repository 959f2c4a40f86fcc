package lookup

import (
	"context"
	"errors"
	"net"
	"net/http"
	"strconv"
	"strings"
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
	h       *Handler
	reqs    []loopReq
	scratch []byte // the body being rendered
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
	query := eventloop.String(r.head.Query)
	if h.opts.Limiter != nil {
		if ok, wait := h.opts.Limiter.Allow(l.key(r)); !ok {
			e, secs := rateLimited(wait)
			return l.appendError(out, r, reply{status: http.StatusTooManyRequests, err: e, retry: secs}, date)
		}
	}
	snap := h.snap.Load()
	if snap == nil {
		// The index went in this round (a change): the database answers,
		// and the answer cache may keep the query, so it must not be a
		// view of the read buffer.
		rp := h.lookup(context.Background(), strings.Clone(query))
		if rp.err != nil {
			return l.appendError(out, r, rp, date)
		}
		return l.appendOK(out, r, rp.e.body, rp.e.etag[0], date)
	}
	// From the index: rendered into the loop's scratch buffer, no
	// allocation but what the query itself needs.
	rq, lerr, err := requestOf(query)
	switch {
	case lerr != nil:
		return l.appendError(out, r, reply{status: http.StatusBadRequest, err: lerr}, date)
	case err != nil:
		return l.appendError(out, r, reply{status: http.StatusInternalServerError, err: &Error{Code: "internal", ZH: "服务器内部错误", EN: "internal error"}}, date)
	}
	l.scratch = snap.render(l.scratch[:0], rq, h.reg.zone)
	tag := etagOf(l.scratch)
	out = l.appendOK(out, r, l.scratch, eventloop.String(tag[:]), date)
	if cap(l.scratch) > 1<<20 {
		l.scratch = nil // do not keep a huge page's buffer
	}
	return out
}

// appendOK appends a 200 with body and its ETag, or a 304 when the
// request's If-None-Match has it.
func (l *loopHandler) appendOK(out []byte, r *loopReq, body []byte, etag string, date []byte) []byte {
	out = append(out, "HTTP/1.1 "...)
	if r.inmCount > 0 && etagMatch([]string{eventloop.String(r.inm)}, etag) {
		out = append(out, "304 Not Modified"...)
		out = append(out, loopVersion...)
		out = appendTag(out, l.h, etag)
		return endHead(out, &r.head, date)
	}
	out = append(out, "200 OK"...)
	out = append(out, loopVersion...)
	out = appendTag(out, l.h, etag)
	return appendBody(out, r, body, date)
}

// appendError appends the error answer rp.
func (l *loopHandler) appendError(out []byte, r *loopReq, rp reply, date []byte) []byte {
	out = append(out, "HTTP/1.1 "...)
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
	return appendBody(out, r, errorBody(rp.err), date)
}

// appendBody ends the head with the JSON body's headers and appends the
// body (not to a HEAD).
func appendBody(out []byte, r *loopReq, body []byte, date []byte) []byte {
	out = append(out, loopJSON...)
	out = append(out, "Content-Length: "...)
	out = strconv.AppendInt(out, int64(len(body)), 10)
	out = endHead(append(out, "\r\n"...), &r.head, date)
	if !r.head.IsHead() {
		out = append(out, body...)
	}
	return out
}

// appendTag appends the ETag and Cache-Control lines.
func appendTag(out []byte, h *Handler, etag string) []byte {
	out = append(out, "Etag: "...)
	out = append(out, etag...)
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
