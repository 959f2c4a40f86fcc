package bulk

import (
	"bufio"
	"context"
	"database/sql"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"

	"github.com/beian/beian/internal/form"
	"github.com/beian/beian/internal/store"
)

// exportRows reads every active service of every active entity, one row
// per active domain (a service without domains gives one row with domain
// ""), in key order so that two exports of the same registry are the same
// file. The rows stream from the database: nothing is collected.
const (
	exportFrom = ` FROM websites w JOIN entities e ON e.id = w.entity_id
	LEFT JOIN domains d ON d.website_id = w.id AND d.status = 'active'
	WHERE e.status = 'active' AND w.status = 'active'`
	exportRows = `SELECT e.name, e.nature, e.number, e.license_number, w.number, w.name, COALESCE(d.name, ''),
	w.home_url, w.content_types, w.limit_access, w.updated_at, w.service_type` + exportFrom + ` ORDER BY w.id, d.id`
)

// ExportProgressEvery is how many records Export writes between calls of
// its progress function.
const ExportProgressEvery = 10000

// Export writes the public fields of every filed service to w in format f
// and returns the number of records written. Memory stays constant
// whatever the registry's size: each row is written as it is read.
// progress, when not nil, gets the count every ExportProgressEvery records.
func Export(ctx context.Context, db *store.DB, w io.Writer, f Format, progress func(records int64)) (int64, error) {
	bw := bufio.NewWriterSize(w, 256<<10)
	write, flush, err := recordWriter(bw, f)
	if err != nil {
		return 0, err
	}
	rows, err := db.R().QueryContext(ctx, exportRows)
	if err != nil {
		return 0, fmt.Errorf("export: %w", err)
	}
	defer rows.Close()
	var n int64
	var rec Record
	var nature string
	var licence sql.NullString
	var limit int
	var updated int64
	for rows.Next() {
		if err := rows.Scan(&rec.UnitName, &nature, &rec.MainLicence, &licence, &rec.ServiceLicence, &rec.ServiceName, &rec.Domain,
			&rec.HomeURL, &rec.ContentTypeName, &limit, &updated, &rec.ServiceType); err != nil {
			return n, fmt.Errorf("export: %w", err)
		}
		rec.NatureName = form.NatureName(nature)
		// The public query shows a licence holder's ICP licence number as
		// its main number (主体备案/许可证号).
		if licence.Valid && licence.String != "" {
			rec.MainLicence = licence.String
		}
		rec.LimitAccess = "否"
		if limit != 0 {
			rec.LimitAccess = "是"
		}
		rec.UpdateRecordTime = store.FromMicros(updated).In(beijing).Format(TimeLayout)
		if err := write(&rec); err != nil {
			return n, fmt.Errorf("export: %w", err)
		}
		n++
		if progress != nil && n%ExportProgressEvery == 0 {
			progress(n)
		}
	}
	if err := rows.Err(); err != nil {
		return n, fmt.Errorf("export: %w", err)
	}
	if err := flush(); err != nil {
		return n, fmt.Errorf("export: %w", err)
	}
	return n, bw.Flush()
}

// CountRecords is the number of records Export would write now, for a
// progress bar's total.
func CountRecords(ctx context.Context, db *store.DB) (int64, error) {
	var n int64
	err := db.R().QueryRowContext(ctx, `SELECT COUNT(*)`+exportFrom).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("export: count: %w", err)
	}
	return n, nil
}

// recordWriter returns the writer of one record in format f, and the flush
// to call at the end. CSV starts with the header line of field names.
func recordWriter(w io.Writer, f Format) (func(*Record) error, func() error, error) {
	switch f {
	case CSV:
		cw := csv.NewWriter(w)
		if err := cw.Write(Fields()); err != nil {
			return nil, nil, err
		}
		var buf []string
		return func(r *Record) error {
				v := values(r)
				buf = append(buf[:0], v[:]...)
				return cw.Write(buf)
			}, func() error {
				cw.Flush()
				return cw.Error()
			}, nil
	case JSONL:
		enc := json.NewEncoder(w)
		enc.SetEscapeHTML(false)
		return func(r *Record) error { return enc.Encode(r) }, func() error { return nil }, nil
	}
	return nil, nil, fmt.Errorf("export: unknown format %q (格式应为 csv 或 jsonl)", f)
}
