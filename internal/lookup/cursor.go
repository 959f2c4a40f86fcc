package lookup

import (
	"encoding/base64"
	"encoding/json"
	"unicode/utf8"
)

// maxCursor bounds the cursor parameter before decoding: a name of
// maxEntityRunes characters and two ids fit well inside it.
const maxCursor = 1024

// cursor is the last row of a page in the lookup's order (entity name,
// website id, domain id), sent back as Page.Next. It is opaque to clients:
// base64url of a JSON array, so it survives any query string unescaped.
type cursor struct {
	Name    string
	Website int64
	Domain  int64
}

func (c cursor) encode() string {
	b, _ := json.Marshal([]any{c.Name, c.Website, c.Domain}) // a string and two integers always marshal
	return base64.RawURLEncoding.EncodeToString(b)
}

// decodeCursor parses a cursor made by encode; "" is the first page.
func decodeCursor(s string) (cursor, error) {
	if s == "" {
		return cursor{}, nil
	}
	bad := badField("cursor", "lookup.bad_cursor", "分页游标无效，请从第一页重新查询", "the cursor is not valid; start again from the first page")
	if len(s) > maxCursor {
		return cursor{}, bad
	}
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return cursor{}, bad
	}
	var parts []json.RawMessage
	if err := json.Unmarshal(b, &parts); err != nil || len(parts) != 3 {
		return cursor{}, bad
	}
	var c cursor
	if json.Unmarshal(parts[0], &c.Name) != nil || json.Unmarshal(parts[1], &c.Website) != nil ||
		json.Unmarshal(parts[2], &c.Domain) != nil || !utf8.ValidString(c.Name) || c.Website < 0 || c.Domain < 0 {
		return cursor{}, bad
	}
	return c, nil
}
