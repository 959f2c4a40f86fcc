package filing

import (
	"context"
	"fmt"
	"github.com/beian/beian/internal/fault"
	"slices"

	"github.com/beian/beian/internal/auth"
	"github.com/beian/beian/internal/blobstore"
	"github.com/beian/beian/internal/store"
)

// AddDocument attaches an uploaded scan (already stored and sniffed by the
// blob store) to an editable application of its owner.
func (s *Service) AddDocument(ctx context.Context, actor auth.Principal, id int64, kind string, b blobstore.Blob) (Document, error) {
	if !slices.Contains(DocumentKinds(), kind) {
		return Document{}, invalid("kind", "document.bad_kind", fmt.Sprintf("unknown document kind %q (文件类型无效)", kind))
	}
	var d Document
	err := s.db.InTx(ctx, func(tx *store.Tx) error {
		cur, err := s.ownApp(ctx, tx.Q(), actor, id)
		if err != nil {
			return err
		}
		if !cur.Status.Editable() {
			return &fault.Error{Kind: fault.Conflict, Code: "application.not_editable",
				Message: fmt.Sprintf("documents can be added in draft or rejected only, not %s (当前状态不可上传)", cur.Status), State: string(cur.Status)}
		}
		now := s.now()
		d = Document{Kind: kind, ContentType: b.ContentType, Size: b.Size, SHA256: b.SHA256, CreatedAt: now.UTC()}
		err = tx.Q().QueryRowContext(ctx, `INSERT INTO documents (application_id, kind, content_type, size, sha256, created_at)
			VALUES (?, ?, ?, ?, ?, ?) RETURNING id`, id, kind, b.ContentType, b.Size, b.SHA256, store.Micros(now)).Scan(&d.ID)
		if err != nil {
			return fmt.Errorf("application %d document: %w", id, err)
		}
		return nil
	})
	return d, err
}
