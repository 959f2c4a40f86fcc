package gate

import (
	"net/http"

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
	loadSeconds  prometheus.Gauge
	// Connections taken by the fast path's event loop, and connections
	// (or, from the fast path, connections with an unusual request)
	// handed to net/http.
	connsFast, connsNetHTTP prometheus.Counter
	// batch observes how many requests the event loop decided together
	// (one wake-up's), which sets how well LookupBatch overlaps its cache
	// misses; BenchmarkLookupBatch is run at the sizes seen.
	batch prometheus.Histogram
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
	reg.MustRegister(decisions, conns, m.batch, m.reloads, m.reloadErrors, m.lastReload, m.loadSeconds,
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
