package filing

import (
	"fmt"
	"testing"

	"github.com/beian/beian/internal/fault"
	"github.com/beian/beian/internal/operation"
)

// TestStateMachineEveryPair asks the state machine about every (operation,
// state, action) triple and compares with an expectation written out here
// from the lifecycle rules, not derived from the transition table: the one
// general path, no SMS step for operations nobody verifies, and no
// withdrawal of cancellation orders.
func TestStateMachineEveryPair(t *testing.T) {
	states := []Status{StatusDraft, StatusProviderReview, StatusSMSVerification, StatusAuthorityReview,
		StatusApproved, StatusRejected, StatusWithdrawn, StatusExpired, StatusVoided}
	actions := []Action{ActSubmit, ActWithdraw, ActProviderApprove, ActProviderReject, ActSMSPassed,
		ActSMSFailed, ActSMSExpired, ActAuthorityApprove, ActAuthorityReject, ActDraftExpired, ActVoid}
	general := map[string]Status{
		"draft/submit":                       StatusProviderReview,
		"rejected/submit":                    StatusProviderReview,
		"draft/withdraw":                     StatusWithdrawn,
		"rejected/withdraw":                  StatusWithdrawn,
		"provider_review/withdraw":           StatusWithdrawn,
		"sms_verification/withdraw":          StatusWithdrawn,
		"provider_review/provider_approve":   StatusSMSVerification,
		"provider_review/provider_reject":    StatusRejected,
		"sms_verification/sms_passed":        StatusAuthorityReview,
		"sms_verification/sms_failed":        StatusRejected,
		"sms_verification/sms_expired":       StatusExpired,
		"authority_review/authority_approve": StatusApproved,
		"authority_review/authority_reject":  StatusRejected,
		"draft/draft_expired":                StatusExpired,
		"provider_review/void":               StatusVoided,
		"sms_verification/void":              StatusVoided,
		"authority_review/void":              StatusVoided,
	}
	noSMS := map[operation.Name]bool{operation.ChangeAccess: true, operation.CancelAccess: true}
	cancellation := map[operation.Name]bool{operation.CancelEntity: true, operation.CancelWebsite: true, operation.CancelAccess: true}

	sm := NewStateMachine()
	n := 0
	for _, d := range operation.Default().List() {
		for _, from := range states {
			for _, a := range actions {
				n++
				want, ok := general[fmt.Sprintf("%s/%s", from, a)]
				if ok && want == StatusSMSVerification && noSMS[d.Name] {
					want = StatusAuthorityReview
				}
				wantCode := "application.illegal_transition"
				if a == ActWithdraw && cancellation[d.Name] {
					ok, wantCode = false, "application.cancellation_not_withdrawable"
				}
				got, err := sm.Next(d, from, a)
				if ok {
					if err != nil || got != want {
						t.Errorf("%s: %s --%s--> %q, %v; want %s", d.Name, from, a, got, err, want)
					}
					continue
				}
				fe, isFault := fault.As(err)
				if !isFault || fe.Kind != fault.Conflict || fe.Code != wantCode || fe.State != string(from) {
					t.Errorf("%s: %s --%s--> %q, %v; want Conflict %s in state %s", d.Name, from, a, got, err, wantCode, from)
				}
			}
		}
	}
	if n != 11*9*11 {
		t.Errorf("asked %d triples", n)
	}
}
