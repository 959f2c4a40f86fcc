-- +goose Up
-- One open application per entity counts only submitted applications: a
-- draft is private to its account and locks nothing, so that nobody can
-- block a company from filing by starting a draft with its public USCC. The
-- conflict is found at submission. Idle drafts expire (the scheduler) and
-- an operator can void a submitted application that blocks an entity.
DROP INDEX applications_one_open;
CREATE UNIQUE INDEX applications_one_open ON applications(entity_key)
    WHERE status IN ('provider_review', 'sms_verification', 'authority_review');
-- The draft sweep reads drafts by their last change.
CREATE INDEX applications_idle_drafts ON applications(updated_at) WHERE status = 'draft';

-- +goose Down
DROP INDEX applications_idle_drafts;
DROP INDEX applications_one_open;
CREATE UNIQUE INDEX applications_one_open ON applications(entity_key)
    WHERE status IN ('draft', 'provider_review', 'sms_verification', 'authority_review');
