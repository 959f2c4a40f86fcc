package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"slices"
	"strconv"
	"sync"
	"time"
)

// Outcome is how a request ended, as the fault scripts judge it.
type Outcome int

const (
	OK          Outcome = iota // a 2xx answer
	RateLimited                // 429: a limit or busy password-hash slots
	Unanswered                 // no answer: connection refused, reset or closed (serve is down)
	Clean5xx                   // a 5xx answer with the platform's JSON error (the database is down)
	Hang                       // no answer within the client's timeout
	Bad                        // anything else: a 4xx that should not happen, a 5xx without the JSON error
	nOutcomes
)

var outcomeNames = [nOutcomes]string{"ok", "rate_limited", "unanswered", "clean_5xx", "hang", "bad"}

func (o Outcome) String() string { return outcomeNames[o] }

// client calls the platform over HTTP; it is safe for concurrent use.
type client struct {
	base string
	http *http.Client
}

func newClient(base string, conns int, timeout time.Duration) *client {
	return &client{base: base, http: &http.Client{Timeout: timeout, Transport: &http.Transport{
		MaxIdleConns: conns, MaxIdleConnsPerHost: conns, MaxConnsPerHost: conns, IdleConnTimeout: 30 * time.Second}}}
}

// answer is a request's result: its outcome, status, body and time taken.
type answer struct {
	Outcome Outcome
	Status  int
	Body    []byte
	Took    time.Duration
	Err     error
	// RetryAfter is the Retry-After of a 429, in seconds (0 when absent).
	RetryAfter int
}

// Error describes an answer that is not OK, for the first few reported.
func (a answer) Error() string {
	if a.Err != nil {
		return fmt.Sprintf("%s: %v", a.Outcome, a.Err)
	}
	b := a.Body
	if len(b) > 300 {
		b = b[:300]
	}
	return fmt.Sprintf("%s: %d %s", a.Outcome, a.Status, b)
}

// do sends one request. from is the client address a trusted proxy would
// name in X-Forwarded-For (serve trusts loopback), so that per-address
// limits see many clients; host, when set, is the Host header (the gate's
// question). out, when not nil, receives a 2xx JSON body.
func (c *client) do(ctx context.Context, method, path, token, from, host string, body, out any) answer {
	var r io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return answer{Outcome: Bad, Err: fmt.Errorf("marshal: %w", err)}
		}
		r = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.base+path, r)
	if err != nil {
		return answer{Outcome: Bad, Err: err}
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if from != "" {
		req.Header.Set("X-Forwarded-For", from)
	}
	if host != "" {
		req.Host = host
	}
	start := time.Now()
	resp, err := c.http.Do(req)
	if err != nil {
		return answer{Outcome: transportOutcome(ctx, err), Took: time.Since(start), Err: err}
	}
	raw, err := io.ReadAll(resp.Body)
	_ = resp.Body.Close()
	a := answer{Status: resp.StatusCode, Body: raw, Took: time.Since(start)}
	if err != nil {
		a.Outcome, a.Err = transportOutcome(ctx, err), err
		return a
	}
	switch {
	case resp.StatusCode/100 == 2:
		a.Outcome = OK
		if out != nil && len(raw) > 0 {
			if err := json.Unmarshal(raw, out); err != nil {
				a.Outcome, a.Err = Bad, fmt.Errorf("bad JSON %q: %w", raw, err)
			}
		}
	case resp.StatusCode == http.StatusTooManyRequests:
		a.Outcome = RateLimited
		a.RetryAfter, _ = strconv.Atoi(resp.Header.Get("Retry-After"))
	case resp.StatusCode/100 == 5 && isJSONError(raw):
		a.Outcome = Clean5xx
	default:
		a.Outcome = Bad
	}
	return a
}

// isJSONError reports whether b is the platform's error document,
// {"error":{"code":…,"message":…}}.
func isJSONError(b []byte) bool {
	var e struct {
		Error *struct {
			Code    string `json:"code"`
			Message string `json:"message"`
		} `json:"error"`
	}
	return json.Unmarshal(b, &e) == nil && e.Error != nil && e.Error.Code != "" && e.Error.Message != ""
}

// transportOutcome tells a hang (the client's timeout) from a refused or
// dropped connection.
func transportOutcome(ctx context.Context, err error) Outcome {
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() && ctx.Err() == nil {
		return Hang
	}
	return Unanswered
}

// tally counts outcomes and keeps latencies per class of request.
type tally struct {
	mu     sync.Mutex
	counts map[string]*[nOutcomes]int
	lat    map[string][]time.Duration
	// samples keeps the first few answers of each unexpected outcome.
	samples map[Outcome][]string
}

func newTally() *tally {
	return &tally{counts: map[string]*[nOutcomes]int{}, lat: map[string][]time.Duration{}, samples: map[Outcome][]string{}}
}

func (t *tally) add(class string, a answer) {
	t.mu.Lock()
	defer t.mu.Unlock()
	c := t.counts[class]
	if c == nil {
		c = new([nOutcomes]int)
		t.counts[class] = c
	}
	c[a.Outcome]++
	if a.Outcome == OK || a.Outcome == RateLimited || a.Outcome == Clean5xx {
		t.lat[class] = append(t.lat[class], a.Took)
	}
	if a.Outcome != OK && a.Outcome != RateLimited && len(t.samples[a.Outcome]) < 5 {
		t.samples[a.Outcome] = append(t.samples[a.Outcome], class+": "+a.Error())
	}
}

// total is the count of outcome o over every class.
func (t *tally) total(o Outcome) int {
	t.mu.Lock()
	defer t.mu.Unlock()
	n := 0
	for _, c := range t.counts {
		n += c[o]
	}
	return n
}

// classReport is one class's line of the summary.
type classReport struct {
	Requests int            `json:"requests"`
	Outcomes map[string]int `json:"outcomes"`
	P50ms    float64        `json:"p50_ms"`
	P99ms    float64        `json:"p99_ms"`
	MaxMs    float64        `json:"max_ms"`
}

func (t *tally) report() (map[string]classReport, map[string][]string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	out := map[string]classReport{}
	for class, c := range t.counts {
		r := classReport{Outcomes: map[string]int{}}
		for o, n := range c {
			if n > 0 {
				r.Outcomes[Outcome(o).String()] = n
				r.Requests += n
			}
		}
		lat := t.lat[class]
		slices.Sort(lat)
		r.P50ms, r.P99ms = ms(quantile(lat, 0.50)), ms(quantile(lat, 0.99))
		if len(lat) > 0 {
			r.MaxMs = ms(lat[len(lat)-1])
		}
		out[class] = r
	}
	samples := map[string][]string{}
	for o, s := range t.samples {
		samples[o.String()] = s
	}
	return out, samples
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// quantile of sorted durations (nearest rank).
func quantile(sorted []time.Duration, q float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	i := int(q*float64(len(sorted))+0.999999) - 1
	return sorted[max(0, min(i, len(sorted)-1))]
}
