package filing

import (
	"context"
	"fmt"
	"time"

	"github.com/beian/beian/internal/store"
)

// DocumentRetention is how long the documents of an application that ended
// without a filing (withdrawn, or expired waiting for SMS verification) are
// kept after it ended: long enough for an applicant or a reviewer to look
// back at what was sent, and then the ID card scans go, since nothing was
// filed that they support. Documents of approved applications are the
// record of a filing and are kept; a rejected application can still be
// resubmitted, so its documents stay too.
const DocumentRetention = 90 * 24 * time.Hour

// endedUnfiled are the terminal states with no filing behind them.
var endedUnfiled = []Status{StatusWithdrawn, StatusExpired}

// PurgeDocuments deletes the document rows of the applications that ended
// unfiled (withdrawn or expired) before the given time, and records the
// count in the audit log. The files go with the next sweep of the document
// store, which removes what no row refers to.
func (s *Service) PurgeDocuments(ctx context.Context, endedBefore time.Time) (int, error) {
	var n int64
	err := s.db.InTx(ctx, func(tx *store.Tx) error {
		res, err := tx.Q().ExecContext(ctx, `DELETE FROM documents WHERE application_id IN
			(SELECT id FROM applications WHERE status IN (?, ?) AND updated_at < ?)`,
			string(endedUnfiled[0]), string(endedUnfiled[1]), store.Micros(endedBefore))
		if err != nil {
			return fmt.Errorf("purge documents: %w", err)
		}
		if n, err = res.RowsAffected(); err != nil {
			return fmt.Errorf("purge documents: %w", err)
		}
		if n > 0 {
			return s.auditEvent(ctx, tx, systemActor(), "documents.purged", "documents",
				map[string]any{"count": n, "ended_before": endedBefore.UTC().Format(time.RFC3339)})
		}
		return nil
	})
	return int(n), err
}

// DocumentDigests returns the SHA-256 of every document a row refers to:
// what the sweep of the document store must keep.
func (s *Service) DocumentDigests(ctx context.Context) (map[string]bool, error) {
	digests, err := store.All(ctx, s.db.R(), store.Scalar[string], `SELECT DISTINCT sha256 FROM documents`)
	if err != nil {
		return nil, fmt.Errorf("document digests: %w", err)
	}
	out := make(map[string]bool, len(digests))
	for _, d := range digests {
		out[d] = true
	}
	return out, nil
}
