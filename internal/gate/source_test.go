package gate

import (
	"context"
	"errors"
	"testing"
)

func TestDBSource(t *testing.T) {
	if _, err := NewDBSource(nil); err == nil {
		t.Error("NewDBSource(nil) accepted")
	}
	rows := []Entry{{"example.com", numCom, StatusApproved}, {"wait.cn", "", StatusPending}}
	src, err := NewDBSource(ListerFunc(func(ctx context.Context, yield func(Entry) error) (int64, error) {
		for _, e := range rows {
			if err := yield(e); err != nil {
				return 0, err
			}
		}
		return 12, nil
	}))
	if err != nil {
		t.Fatal(err)
	}
	s, err := src.Load(context.Background())
	if err != nil || s.Version != 12 || !s.Lookup("www.example.com").Allowed() || s.Lookup("wait.cn").Status != StatusPending {
		t.Fatalf("Load = %v, %v", s, err)
	}
	rows = append(rows, Entry{"bad domain", numCom, StatusApproved})
	if _, err := src.Load(context.Background()); !errors.Is(err, ErrDomain) {
		t.Errorf("bad row: %v, want ErrDomain", err)
	}
	failing, _ := NewDBSource(ListerFunc(func(context.Context, func(Entry) error) (int64, error) {
		return 0, errors.New("connection refused")
	}))
	if _, err := failing.Load(context.Background()); err == nil {
		t.Error("a failing store loaded")
	}
}
