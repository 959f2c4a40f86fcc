package gate

import (
	"net/http"
	"sync/atomic"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// metrics are the gate's Prometheus metrics, in a registry of its own (no
// global registration, so tests can build many gates). The decision counters
// are resolved once, so counting a decision is a single atomic add.
type metrics struct {
	reg          *prometheus.Registry
	allowed      prometheus.Counter
	blocked      prometheus.Counter
	pending      prometheus.Counter
	reloads      prometheus.Counter
	reloadErrors prometheus.Counter
	lastReload   prometheus.Gauge
	// lastSuccess: the source last answered (a poll with no change too).
	lastSuccess prometheus.Gauge
	loadSeconds prometheus.Gauge
	// Connections taken by the fast path's event loop, and connections
	// (or, from the fast path, connections with an unusual request)
	// handed to net/http.
	connsFast, connsNetHTTP prometheus.Counter
	// batch observes how many requests the event loop decided together
	// (one wake-up's), which sets how well LookupBatch overlaps its cache
	// misses; BenchmarkLookupBatch is run at the sizes seen.
	batch prometheus.Histogram
	// Refusals and limits (limits.go, proxies.go): connections closed at
	// accept over the cap; forwarded headers ignored because the peer is no
	// trusted proxy; fast-path connections closed by a timeout; times the
	// fast path stopped parsing a connection's requests because its unsent
	// answers reached maxPendingOut.
	refusedMaxConns                 prometheus.Counter
	ignoredXFH, ignoredXFF          prometheus.Counter
	ignoredFwd                      prometheus.Counter
	headerTimeouts, idleTimeouts    prometheus.Counter
	writeTimeouts, pendingOutPauses prometheus.Counter
	// pendingOutPeak is the most answer bytes any fast-path connection
	// held unsent, which maxPendingOut bounds.
	pendingOutPeak atomic.Int64
}

func newMetrics(g *Gate) *metrics {
	reg := prometheus.NewRegistry()
	decisions := prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "beian_gate_decisions_total",
		Help: "Host decisions by result: allowed (filed), blocked (no filing), pending (an application is in progress; blocked too).",
	}, []string{"result"})
	conns := prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "beian_gate_connections_total",
		Help: "Client connections by server: fast (the ForwardAuth event loop) or net_http (the gate's own endpoints, proxy mode, unusual requests; a connection the fast path hands over counts in both).",
	}, []string{"server"})
	m := &metrics{
		reg:          reg,
		connsFast:    conns.WithLabelValues("fast"),
		connsNetHTTP: conns.WithLabelValues("net_http"),
		allowed:      decisions.WithLabelValues("allowed"),
		blocked:      decisions.WithLabelValues("blocked"),
		pending:      decisions.WithLabelValues("pending"),
		reloads: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "beian_gate_reloads_total",
			Help: "Successful loads of the allow-list (the first one included).",
		}),
		reloadErrors: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "beian_gate_reload_errors_total",
			Help: "Failed loads or feed polls; the gate kept serving the previous set.",
		}),
		lastReload: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "beian_gate_last_reload_timestamp_seconds",
			Help: "Unix time of the last successful load or feed change.",
		}),
		lastSuccess: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "beian_gate_source_last_success_timestamp_seconds",
			Help: "Unix time the source last answered: a load, or a feed poll even when nothing changed. Alert on its age: a gate whose feed is cut keeps serving its last set, and this is what shows how old that set may be.",
		}),
		loadSeconds: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "beian_gate_load_duration_seconds",
			Help: "How long the last successful load took.",
		}),
		batch: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name:    "beian_gate_decision_batch_size",
			Help:    "Requests the ForwardAuth event loop decided together, in one batched lookup (the requests of one wake-up).",
			Buckets: prometheus.ExponentialBuckets(1, 2, 9), // 1 … 256
		}),
	}
	refused := prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "beian_gate_connections_refused_total",
		Help: "Client connections closed at accept, by reason: max_conns (over --max-conns).",
	}, []string{"reason"})
	m.refusedMaxConns = refused.WithLabelValues("max_conns")
	ignored := prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "beian_gate_forwarded_headers_ignored_total",
		Help: "Requests whose forwarded header was ignored because the peer is not a trusted proxy (--trusted-proxy): X-Forwarded-Host (ForwardAuth; Host decided instead) or X-Forwarded-For and Forwarded (reverse-proxy mode; not passed upstream).",
	}, []string{"header"})
	m.ignoredXFH = ignored.WithLabelValues("X-Forwarded-Host")
	m.ignoredXFF = ignored.WithLabelValues("X-Forwarded-For")
	m.ignoredFwd = ignored.WithLabelValues("Forwarded")
	closed := prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "beian_gate_fast_timeouts_total",
		Help: "Fast-path connections closed by a timeout: header (no whole request head in --header-timeout), idle (--idle-timeout), write (answers left unread for --write-timeout).",
	}, []string{"timeout"})
	m.headerTimeouts = closed.WithLabelValues("header")
	m.idleTimeouts = closed.WithLabelValues("idle")
	m.writeTimeouts = closed.WithLabelValues("write")
	m.pendingOutPauses = prometheus.NewCounter(prometheus.CounterOpts{
		Name: "beian_gate_fast_pending_out_pauses_total",
		Help: "Times the fast path left a connection's pipelined requests unparsed until its unsent answers drained below the per-connection limit.",
	})
	reg.MustRegister(refused, ignored, closed, m.pendingOutPauses,
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: "beian_gate_connections_open",
			Help: "Client connections open now, against --max-conns (beian_gate_connections_max).",
		}, func() float64 { return float64(g.conns.open.Load()) }),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: "beian_gate_connections_max",
			Help: "The cap on open client connections (--max-conns).",
		}, func() float64 { return float64(g.conns.max) }),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: "beian_gate_fast_pending_out_peak_bytes",
			Help: "The most answer bytes one fast-path connection has held unsent (bounded by the per-connection limit).",
		}, func() float64 { return float64(m.pendingOutPeak.Load()) }),
	)
	reg.MustRegister(decisions, conns, m.batch, m.reloads, m.reloadErrors, m.lastReload, m.lastSuccess, m.loadSeconds,
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: "beian_gate_set_entries",
			Help: "Domains in the allow-list being served (approved and pending).",
		}, func() float64 { return float64(g.Set().Len()) }),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: "beian_gate_set_pending_entries",
			Help: "Pending domains in the allow-list being served.",
		}, func() float64 { return float64(g.Set().Pending()) }),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: "beian_gate_set_version",
			Help: "Version of the allow-list being served: the feed version, or the hosts file's modification time.",
		}, func() float64 { return float64(g.Set().Version) }),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: "beian_gate_set_bytes",
			Help: "Memory held by the allow-list being served.",
		}, func() float64 { return float64(g.Set().Bytes()) }),
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
	)
	return m
}

// count records one decision.
func (m *metrics) count(d Decision) {
	switch d.Status {
	case StatusApproved:
		m.allowed.Inc()
	case StatusPending:
		m.pending.Inc()
	default:
		m.blocked.Inc()
	}
}

func (m *metrics) handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{})
}
