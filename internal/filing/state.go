// Package filing is the lifecycle of ICP filings: applications for every
// operation of the catalogue (package operation), the one explicit state
// machine they all go through,
// SMS verification of principals, business-day deadlines, and — on the
// authority's approval — the registry rows (entities, websites, domains,
// accesses) with their numbers. The web API and the UI both call Service; no
// flow is written twice.
package filing

import (
	"fmt"

	"github.com/beian/beian/internal/fault"
	"github.com/beian/beian/internal/operation"
)

// Operation is what an application asks for; its meaning is the
// operation.Descriptor of that name in the service's catalogue.
type Operation = operation.Name

// Status is the state of an application.
type Status string

// The states. They follow the providers' published flow (Huawei Cloud,
// https://github.com/huaweicloud/huaweicloud-skills/blob/master/skills/cdi/assist/huawei-cloud-icp-process-guidance/kb/procedures/备案流程咨询.md): the provider's review, the MIIT SMS check, the
// administration's review.
const (
	StatusDraft           Status = "draft"
	StatusProviderReview  Status = "provider_review"
	StatusSMSVerification Status = "sms_verification"
	StatusAuthorityReview Status = "authority_review"
	StatusApproved        Status = "approved"
	StatusRejected        Status = "rejected"
	StatusWithdrawn       Status = "withdrawn"
	StatusExpired         Status = "expired"
	// StatusVoided ends an application an operator cancelled because it
	// blocked its entity (filed by someone with no right to it).
	StatusVoided Status = "voided"
)

// Open reports whether an application in s still blocks another one for the
// same entity. Rejected is editable but no longer open: the applicant may
// resubmit it or start another.
func (s Status) Open() bool {
	switch s {
	case StatusDraft, StatusProviderReview, StatusSMSVerification, StatusAuthorityReview:
		return true
	}
	return false
}

// Editable reports whether the content may be replaced (PUT).
func (s Status) Editable() bool { return s == StatusDraft || s == StatusRejected }

// Action is an event that moves an application.
type Action string

// The actions.
const (
	ActSubmit           Action = "submit"
	ActWithdraw         Action = "withdraw"
	ActProviderApprove  Action = "provider_approve"
	ActProviderReject   Action = "provider_reject"
	ActSMSPassed        Action = "sms_passed"
	ActSMSFailed        Action = "sms_failed" // five wrong codes return the order
	ActSMSExpired       Action = "sms_expired"
	ActAuthorityApprove Action = "authority_approve"
	ActAuthorityReject  Action = "authority_reject"
	ActDraftExpired     Action = "draft_expired" // a draft left untouched too long
	ActVoid             Action = "void"          // an operator ends an application that blocks its entity
)

type edge struct {
	from   Status
	action Action
}

// transitions is the whole state machine, for every operation. Operation
// specific exceptions (no SMS, no withdrawal of cancellations) are applied
// by Next, not by separate tables.
func transitions() map[edge]Status {
	return map[edge]Status{
		{StatusDraft, ActSubmit}:                     StatusProviderReview,
		{StatusRejected, ActSubmit}:                  StatusProviderReview,
		{StatusDraft, ActWithdraw}:                   StatusWithdrawn,
		{StatusRejected, ActWithdraw}:                StatusWithdrawn,
		{StatusProviderReview, ActWithdraw}:          StatusWithdrawn,
		{StatusSMSVerification, ActWithdraw}:         StatusWithdrawn,
		{StatusProviderReview, ActProviderApprove}:   StatusSMSVerification,
		{StatusProviderReview, ActProviderReject}:    StatusRejected,
		{StatusSMSVerification, ActSMSPassed}:        StatusAuthorityReview,
		{StatusSMSVerification, ActSMSFailed}:        StatusRejected,
		{StatusSMSVerification, ActSMSExpired}:       StatusExpired,
		{StatusAuthorityReview, ActAuthorityApprove}: StatusApproved,
		{StatusAuthorityReview, ActAuthorityReject}:  StatusRejected,
		{StatusDraft, ActDraftExpired}:               StatusExpired,
		{StatusProviderReview, ActVoid}:              StatusVoided,
		{StatusSMSVerification, ActVoid}:             StatusVoided,
		{StatusAuthorityReview, ActVoid}:             StatusVoided,
	}
}

// StateMachine decides transitions; it is immutable.
type StateMachine struct{ t map[edge]Status }

// NewStateMachine builds the state machine.
func NewStateMachine() StateMachine { return StateMachine{t: transitions()} }

// Next returns the state that action leads to from `from` for an
// application of operation d, or a Conflict naming the current state.
func (m StateMachine) Next(d operation.Descriptor, from Status, a Action) (Status, error) {
	// A cancellation order cannot be withdrawn by its applicant; an
	// operator's void is not a withdrawal and applies to every operation.
	if a == ActWithdraw && !d.Withdrawable() {
		return "", &fault.Error{Kind: fault.Conflict, Code: "application.cancellation_not_withdrawable",
			Message: fmt.Sprintf("a %s order cannot be withdrawn (注销类订单不可撤回)", d.Name), State: string(from)}
	}
	to, ok := m.t[edge{from, a}]
	if !ok {
		return "", &fault.Error{Kind: fault.Conflict, Code: "application.illegal_transition",
			Message: fmt.Sprintf("cannot %s an application in state %s (当前状态不允许此操作)", a, from), State: string(from)}
	}
	if to == StatusSMSVerification {
		if !d.SMS.Any() {
			to = StatusAuthorityReview
		}
	}
	return to, nil
}
