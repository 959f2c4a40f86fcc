package gate

import (
	"context"
	"errors"
	"fmt"
)

// Lister is what the platform store implements for the database source:
// every domain with an active filing and active access at this provider
// (approved, with its number) and every domain with an application in
// progress (pending), and the version of that state (for /metrics).
type Lister interface {
	GateEntries(ctx context.Context, yield func(Entry) error) (version int64, err error)
}

// ListerFunc adapts a function to Lister, for wiring a store method.
type ListerFunc func(ctx context.Context, yield func(Entry) error) (version int64, err error)

// GateEntries calls f.
func (f ListerFunc) GateEntries(ctx context.Context, yield func(Entry) error) (int64, error) {
	return f(ctx, yield)
}

// DBSource loads the allow-list from the platform database through a Lister.
type DBSource struct {
	store Lister
}

// NewDBSource returns the database source over store.
func NewDBSource(store Lister) (*DBSource, error) {
	if store == nil {
		return nil, errors.New("gate: database source without a store")
	}
	return &DBSource{store: store}, nil
}

// Load reads every entry; any bad entry fails the load.
func (d *DBSource) Load(ctx context.Context) (*Set, error) {
	b := NewBuilder(0)
	version, err := d.store.GateEntries(ctx, func(e Entry) error {
		if err := b.Add(e.Domain, e.Number, e.Status); err != nil {
			return err
		}
		return ctx.Err()
	})
	if err != nil {
		return nil, fmt.Errorf("database source: %w", err)
	}
	return b.Build(version), nil
}

// String names the source in logs.
func (d *DBSource) String() string { return "database" }
