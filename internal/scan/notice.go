package scan

import (
	"context"
	"fmt"
	"strings"
)

// Notice tells an applicant what a sweep newly found on one of their
// websites. To is the e-mail of the account holding the website's entity.
type Notice struct {
	To        string
	WebsiteID int64
	// Website is the website's filing number.
	Website  string
	URL      string
	Findings []Finding
}

// Notifier delivers notices. It is called after the findings are stored,
// outside any transaction; an error is logged and the sweep goes on.
type Notifier interface {
	Notify(ctx context.Context, n Notice) error
}

// Outbox keeps a message for delivery; *filing.Service is one (its outbox
// is delivered by SMTP when configured and shown to admins either way).
type Outbox interface {
	EnqueueEmail(ctx context.Context, to, body string) error
}

// OutboxNotifier puts each notice into o as one e-mail whose first line is
// the subject.
func OutboxNotifier(o Outbox) Notifier { return outboxNotifier{o: o} }

type outboxNotifier struct{ o Outbox }

func (n outboxNotifier) Notify(ctx context.Context, x Notice) error {
	subject, body := x.Message()
	if err := n.o.EnqueueEmail(ctx, x.To, subject+"\n\n"+body); err != nil {
		return fmt.Errorf("scan notice for %s: %w", x.Website, err)
	}
	return nil
}

// Message renders the notice as an e-mail subject and body, in Chinese
// then English (each finding's detail already carries both).
func (x Notice) Message() (subject, body string) {
	subject = fmt.Sprintf("网站 %s 合规检查发现问题 / Compliance check found problems on %s", x.Website, x.Website)
	var b strings.Builder
	fmt.Fprintf(&b, "您的网站 %s（%s）在最近一次合规检查中发现以下问题，请尽快整改：\n", x.URL, x.Website)
	fmt.Fprintf(&b, "The latest compliance check of your website %s (%s) found the following; please correct it soon:\n\n", x.URL, x.Website)
	for _, f := range x.Findings {
		fmt.Fprintf(&b, "- [%s] %s\n", f.Kind, f.Detail)
		if f.Evidence != "" {
			fmt.Fprintf(&b, "  %s\n", f.Evidence)
		}
	}
	return subject, b.String()
}
