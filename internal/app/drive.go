package app

import (
	"context"
	"fmt"

	"github.com/beian/beian/internal/auth"
	"github.com/beian/beian/internal/filing"
)

// Desks are the people who move an application: its owner and the review
// desks of its provider and of the authority.
type Desks struct {
	Owner, Provider, Authority auth.Principal
}

// Drive creates an application of any operation from req and takes it
// through the same service calls the API makes to the state until: draft,
// provider_review, rejected (by the provider), withdrawn, sms_verification,
// authority_review or approved. SMS codes are delivered and read from the
// built-in SMS gateway (App.SMSInbox), so it needs that gateway. The demo data and the tests
// use it; expired needs a clock moved past the SMS window, which the test
// fixture does (apptest.Env.File).
func (a *App) Drive(ctx context.Context, req filing.CreateRequest, until filing.Status, p Desks) (*filing.Application, error) {
	app, err := a.Filing.Create(ctx, p.Owner, req)
	if err != nil {
		return app, err
	}
	if app, err = a.AttachIcons(ctx, p.Owner, app); err != nil || until == filing.StatusDraft {
		return app, err
	}
	if until == filing.StatusWithdrawn {
		return a.Filing.Withdraw(ctx, p.Owner, app.ID)
	}
	if app, err = a.Filing.Submit(ctx, p.Owner, app.ID); err != nil || until == filing.StatusProviderReview {
		return app, err
	}
	if until == filing.StatusRejected {
		return a.Filing.ProviderReview(ctx, p.Provider, app.ID, filing.Decision{Decision: "reject",
			Reasons: []string{"网站名称与主办单位名称不符 The website name does not match the entity"}})
	}
	if app, err = a.Filing.ProviderReview(ctx, p.Provider, app.ID, filing.Decision{Decision: "approve"}); err != nil {
		return app, err
	}
	if until == filing.StatusSMSVerification || until == filing.StatusExpired {
		return app, nil
	}
	if app.Status == filing.StatusSMSVerification {
		if app, err = a.verifyAll(ctx, app, p.Owner); err != nil {
			return app, err
		}
	}
	if until == filing.StatusAuthorityReview {
		return app, nil
	}
	if until != filing.StatusApproved {
		return app, fmt.Errorf("drive: no path to %s", until)
	}
	return a.Filing.AuthorityReview(ctx, p.Authority, app.ID, filing.Decision{Decision: "approve"})
}

// verifyAll enters the latest code sent to each principal's phone.
func (a *App) verifyAll(ctx context.Context, app *filing.Application, owner auth.Principal) (*filing.Application, error) {
	phones := []string{app.Content.Entity.Principal.Phone}
	for _, w := range app.Content.Websites {
		phones = append(phones, w.Principal.Phone)
	}
	if a.SMSInbox == nil {
		return app, fmt.Errorf("drive: SMS verification needs the built-in SMS gateway")
	}
	if _, err := a.Filing.DeliverSMS(ctx); err != nil {
		return app, err
	}
	seen := map[string]bool{}
	for _, ph := range phones {
		if ph == "" || seen[ph] || app.Status != filing.StatusSMSVerification {
			continue
		}
		seen[ph] = true
		// The newest code sent for this application (a phone may verify several).
		body, ok := a.SMSInbox.Latest(ph, filing.SMSMarker(app.ID))
		code := ""
		if ok {
			code, ok = filing.SMSCodeFrom(body)
		}
		if !ok {
			continue
		}
		var err error
		if app, err = a.Filing.VerifySMS(ctx, owner, app.ID, ph, code); err != nil {
			return app, fmt.Errorf("drive: SMS for %s: %w", ph, err)
		}
	}
	if app.Status == filing.StatusSMSVerification {
		return app, fmt.Errorf("drive: application %d still waits for SMS from %v", app.ID, app.SMSPending)
	}
	return app, nil
}
