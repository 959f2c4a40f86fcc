package jobs

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
	"time"
)

func TestSchedulerRunsAndShutsDown(t *testing.T) {
	var n, panics atomic.Int32
	started := make(chan struct{}, 1)
	s := Start(context.Background(), nil,
		Task{Name: "count", Every: time.Millisecond, Run: func(ctx context.Context) error {
			if n.Add(1) == 3 {
				started <- struct{}{}
			}
			return errors.New("failures are logged, not fatal")
		}},
		Task{Name: "panics", Every: time.Millisecond, Run: func(ctx context.Context) error {
			panics.Add(1)
			panic("recovered")
		}},
	)
	<-started
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := s.Shutdown(ctx); err != nil {
		t.Fatal(err)
	}
	after := n.Load()
	if after < 3 || panics.Load() < 1 || s.Runs("panics") < 1 {
		t.Fatalf("runs: count %d panics %d", after, panics.Load())
	}
	time.Sleep(5 * time.Millisecond)
	if n.Load() != after {
		t.Fatalf("task ran after Shutdown returned")
	}
}

func TestShutdownWaitsForRunningTask(t *testing.T) {
	release := make(chan struct{})
	running := make(chan struct{})
	var finished atomic.Bool
	s := Start(context.Background(), nil, Task{Name: "slow", Every: time.Hour, Run: func(ctx context.Context) error {
		close(running)
		<-release
		finished.Store(true)
		return nil
	}})
	<-running
	short, cancel := context.WithTimeout(context.Background(), 10*time.Millisecond)
	defer cancel()
	if err := s.Shutdown(short); err == nil {
		t.Fatal("Shutdown returned while a task was still running")
	}
	close(release)
	if err := s.Shutdown(context.Background()); err != nil {
		t.Fatal(err)
	}
	if !finished.Load() {
		t.Fatal("task did not finish")
	}
}
