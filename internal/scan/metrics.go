package scan

import (
	"context"
	"errors"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/beian/beian/internal/store"
)

// Collector exposes the sweeps to Prometheus, read from the database at
// scrape time (one grouped query, so the figures are those the API shows
// and survive a restart): beian_scan_open_findings{provider,kind}, the open
// findings of each provider's active websites, and the sites and compliant
// sites of the newest sweep. Register it on serve's registry.
func Collector(db *store.DB) prometheus.Collector { return &collector{db: db} }

type collector struct{ db *store.DB }

var (
	openDesc = prometheus.NewDesc("beian_scan_open_findings",
		"Open compliance-scan findings of each provider's active websites, by kind.", []string{"provider", "kind"}, nil)
	runSitesDesc = prometheus.NewDesc("beian_scan_last_run_sites",
		"Sites scanned by the newest sweep.", nil, nil)
	runCompliantDesc = prometheus.NewDesc("beian_scan_last_run_compliant",
		"Sites of the newest sweep found compliant.", nil, nil)
	scrapeErrDesc = prometheus.NewDesc("beian_scan_scrape_error",
		"1 when the scan figures could not be read from the database at this scrape.", nil, nil)
)

func (c *collector) Describe(ch chan<- *prometheus.Desc) {
	ch <- openDesc
	ch <- runSitesDesc
	ch <- runCompliantDesc
	ch <- scrapeErrDesc
}

func (c *collector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	failed := 0.0
	type row struct {
		provider, kind string
		n              float64
	}
	rows, err := store.All(ctx, c.db.R(), func(r store.Row) (row, error) {
		var x row
		err := r.Scan(&x.provider, &x.kind, &x.n) // before x is read: the order of return operands is unspecified
		return x, err
	}, `SELECT p.code, f.kind, COUNT(*) FROM scan_findings f
		JOIN accesses a ON a.website_id = f.website_id AND a.status = 'active'
		JOIN websites w ON w.id = f.website_id AND w.status = 'active'
		JOIN providers p ON p.id = a.provider_id
		WHERE f.resolved_at IS NULL GROUP BY p.code, f.kind`)
	if err != nil {
		failed = 1
	}
	for _, r := range rows {
		ch <- prometheus.MustNewConstMetric(openDesc, prometheus.GaugeValue, r.n, r.provider, r.kind)
	}
	if run, err := LastRun(ctx, c.db.R()); err == nil {
		ch <- prometheus.MustNewConstMetric(runSitesDesc, prometheus.GaugeValue, float64(run.Sites))
		ch <- prometheus.MustNewConstMetric(runCompliantDesc, prometheus.GaugeValue, float64(run.Compliant))
	} else if !errors.Is(err, store.ErrNotFound) {
		failed = 1
	}
	ch <- prometheus.MustNewConstMetric(scrapeErrDesc, prometheus.GaugeValue, failed)
}
