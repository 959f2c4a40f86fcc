package filing

import (
	"time"

	"github.com/beian/beian/internal/finding"
	"github.com/beian/beian/internal/form"
)

// Application is an application as the API shows it.
type Application struct {
	ID             int64             `json:"id"`
	Operation      Operation         `json:"operation"`
	Status         Status            `json:"status"`
	Provider       string            `json:"provider"`
	EntityName     string            `json:"entity_name"`
	Nature         string            `json:"nature"`
	Province       string            `json:"province"`
	Findings       []finding.Finding `json:"findings"`
	EntityNumber   *string           `json:"entity_number"`
	WebsiteNumbers []string          `json:"website_numbers"`
	// DueDate is the business-day deadline of the current review step (provider 2, authority 20).
	DueDate *string `json:"due_date"`
	// BusinessDaysLeft counts business days from today to DueDate (negative when overdue).
	BusinessDaysLeft *int       `json:"business_days_left,omitempty"`
	SMSExpiresAt     *time.Time `json:"sms_expires_at,omitempty"`
	SMSPending       []string   `json:"sms_pending,omitempty"` // masked phones still to verify
	// ChangeFileBy is the last day to file a change: 30 days before its effective date.
	ChangeFileBy *string `json:"change_file_by,omitempty"`
	// Overdue is set when the review passed its business-day deadline.
	Overdue *time.Time `json:"overdue_at,omitempty"`
	// LicenceNumbers are the ICP licence and operating-licence numbers an approved commercial_license issued.
	LicenceNumbers map[string]string `json:"licence_numbers,omitempty"`
	History        []History         `json:"history"`
	Documents      []Document        `json:"documents"`
	Content        *form.Content     `json:"content,omitempty"`
	CreatedAt      time.Time         `json:"created_at"`
	UpdatedAt      time.Time         `json:"updated_at"`

	accountID  int64
	providerID int64
	entityKey  string
}

// History is one recorded transition.
type History struct {
	Action    string    `json:"action"`
	From      Status    `json:"from"`
	To        Status    `json:"to"`
	ActorRole string    `json:"actor_role"`
	ActorID   int64     `json:"actor_id,omitempty"`
	Reasons   []string  `json:"reasons"`
	At        time.Time `json:"at"`
}

// Document is an uploaded scan attached to an application.
type Document struct {
	ID          int64     `json:"id"`
	Kind        string    `json:"kind"`
	ContentType string    `json:"content_type"`
	Size        int64     `json:"size"`
	SHA256      string    `json:"sha256"`
	CreatedAt   time.Time `json:"created_at"`
}

// DocumentKinds lists the accepted document kinds: the providers' material
// lists (Huawei Cloud, https://github.com/huaweicloud/huaweicloud-skills/blob/master/skills/cdi/assist/huawei-cloud-icp-process-guidance/kb/procedures/备案材料咨询.md) as beian names them.
func DocumentKinds() []string {
	return []string{"business_license", "entity_principal_id", "website_principal_id", "website_principal_photo",
		"domain_certificate", "commitment_letter", "authorization_letter", "other"}
}

// CreateRequest is the body of POST /api/v1/applications.
type CreateRequest struct {
	Operation    string         `json:"operation"`
	Provider     string         `json:"provider"`
	Entity       form.Entity    `json:"entity"`
	Websites     []form.Website `json:"websites"`
	EntityNumber string         `json:"entity_number,omitempty"`
	// EffectiveDate is when a change takes effect (changes are filed 30 days ahead).
	EffectiveDate string `json:"effective_date,omitempty"`
}

// Content returns the form content of the request.
func (r CreateRequest) Content() form.Content {
	return form.Content{Entity: r.Entity, Websites: r.Websites, EntityNumber: r.EntityNumber, EffectiveDate: r.EffectiveDate}
}

// Decision is the body of provider-review and authority-review.
type Decision struct {
	Decision string   `json:"decision"` // approve | reject
	Reasons  []string `json:"reasons"`
}
