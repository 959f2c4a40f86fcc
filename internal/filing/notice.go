package filing

import (
	"context"
	"strings"

	"github.com/beian/beian/internal/store"
)

// EnqueueEmail puts one e-mail for an applicant into the outbox, the one
// way this platform tells applicants anything: the built-in gateway keeps
// it there (the admin outbox shows it) and DeliverEmail sends it through
// SMTP when that is configured, retrying a failure on the next run. The
// scanner's notices use it, so that they are kept and delivered like the
// reminders and decisions rather than lost when SMTP is down or absent.
func (s *Service) EnqueueEmail(ctx context.Context, to, body string) error {
	to = strings.TrimSpace(to)
	if to == "" {
		return invalid("to", "outbox.recipient_required", "an e-mail needs a recipient (邮件须有收件人)")
	}
	return s.db.InTx(ctx, func(tx *store.Tx) error {
		return s.enqueue(ctx, tx, "email", to, body, s.now())
	})
}
