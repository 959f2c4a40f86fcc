package filing

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"sync"

	"github.com/beian/beian/internal/store"
)

// A verification code is a secret between the platform and the phone it
// was sent to: whoever reads it can verify in the principal's name. So the
// outbox never shows one (Outbox masks it), a message is rewritten without
// its code once it has been handed to the gateway, and the codes of
// messages that could not be delivered are blanked once they have expired
// (ScrubSMS).

// codeInBody finds the code of a verification SMS, in either language.
var codeInBody = regexp.MustCompile(`(短信核验码为|verification code is )\d{6}`)

// maskCodes returns body with every verification code replaced by ******.
func maskCodes(body string) string {
	return codeInBody.ReplaceAllString(body, "${1}******")
}

// MemorySMS is the built-in SMS gateway: it keeps the messages it is given
// in memory (the newest max), for the demo and the tests, which read codes
// from it as a phone would. A real deployment plugs in its SMS provider.
type MemorySMS struct {
	mu   sync.Mutex
	max  int
	sent []sentSMS
}

type sentSMS struct{ phone, body string }

// NewMemorySMS returns a gateway that keeps the newest max messages.
func NewMemorySMS(max int) *MemorySMS { return &MemorySMS{max: max} }

// SendSMS keeps the message.
func (m *MemorySMS) SendSMS(_ context.Context, phone, body string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.sent = append(m.sent, sentSMS{strings.TrimSpace(phone), body})
	if len(m.sent) > m.max {
		m.sent = append([]sentSMS(nil), m.sent[len(m.sent)-m.max:]...)
	}
	return nil
}

// Latest returns the newest message delivered to phone whose body contains
// marker ("" for any).
func (m *MemorySMS) Latest(phone, marker string) (string, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	phone = strings.TrimSpace(phone)
	for i := len(m.sent) - 1; i >= 0; i-- {
		if m.sent[i].phone == phone && strings.Contains(m.sent[i].body, marker) {
			return m.sent[i].body, true
		}
	}
	return "", false
}

// SMSMarker is the part of a verification SMS that names its application
// ("（编号42）"), by which a phone's messages are told apart.
func SMSMarker(id int64) string { return fmt.Sprintf("（编号%d）", id) }

// DeliveredSMS is one message the built-in gateway was given.
type DeliveredSMS struct {
	Phone string
	Body  string
}

// Sent returns the newest message delivered to each phone whose body
// contains marker, oldest phone first: what the demo's "phone" shows.
func (m *MemorySMS) Sent(marker string) []DeliveredSMS {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []DeliveredSMS
	seen := map[string]int{}
	for _, s := range m.sent {
		if !strings.Contains(s.body, marker) {
			continue
		}
		if i, ok := seen[s.phone]; ok {
			out[i].Body = s.body
			continue
		}
		seen[s.phone] = len(out)
		out = append(out, DeliveredSMS{Phone: s.phone, Body: s.body})
	}
	return out
}

// ScrubSMS blanks the codes of text messages older than the code's
// validity that are still stored with one (never delivered: no gateway, or
// it kept failing), and returns how many it rewrote.
func (s *Service) ScrubSMS(ctx context.Context) (int, error) {
	cutoff := store.Micros(s.now().Add(-SMSValidity))
	type sealed struct {
		id        int64
		idx, body string
	}
	rows, err := store.All(ctx, s.db.R(), func(r store.Row) (sealed, error) {
		var m sealed
		return m, r.Scan(&m.id, &m.idx, &m.body)
	}, `SELECT id, recipient_index, body_enc FROM outbox WHERE channel = 'sms' AND scrubbed_at IS NULL AND created_at <= ? ORDER BY id`, cutoff)
	if err != nil {
		return 0, fmt.Errorf("scrub sms: %w", err)
	}
	n := 0
	for _, m := range rows {
		body, err := s.box.OpenString(m.body, "outbox:"+m.idx)
		if err != nil {
			return n, fmt.Errorf("scrub sms %d: %w", m.id, err)
		}
		if err := s.db.InTx(ctx, func(tx *store.Tx) error { return s.scrub(ctx, tx, m.id, m.idx, body, nil) }); err != nil {
			return n, err
		}
		n++
	}
	return n, nil
}

// scrub rewrites outbox message id without its codes and marks it scrubbed
// (and sent, when sentAt is given: the gateway took it).
func (s *Service) scrub(ctx context.Context, tx *store.Tx, id int64, idx, body string, sentAt *int64) error {
	_, err := tx.Q().ExecContext(ctx, `UPDATE outbox SET body_enc = ?, scrubbed_at = ?, sent_at = COALESCE(?, sent_at) WHERE id = ?`,
		s.box.SealString(maskCodes(body), "outbox:"+idx), store.Micros(s.now()), sentAt, id)
	if err != nil {
		return fmt.Errorf("scrub outbox %d: %w", id, err)
	}
	return nil
}
