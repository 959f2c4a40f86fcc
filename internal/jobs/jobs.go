// Package jobs runs named tasks on fixed intervals until Shutdown: the
// scheduler of `beian serve` (SMS expiry, overdue flags, reminders, the
// empty-shell sweep, e-mail delivery). A task's panic is recovered and
// logged; every run gets the scheduler's context so Shutdown stops it.
package jobs

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"time"
)

// Task is a named piece of periodic work.
type Task struct {
	Name  string
	Every time.Duration
	Run   func(ctx context.Context) error
}

// Scheduler runs tasks.
type Scheduler struct {
	log    *slog.Logger
	cancel context.CancelFunc
	wg     sync.WaitGroup
	mu     sync.Mutex
	runs   map[string]int
}

// Start runs each task once immediately and then every task.Every, until
// Shutdown or ctx ends.
func Start(ctx context.Context, log *slog.Logger, tasks ...Task) *Scheduler {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	ctx, cancel := context.WithCancel(ctx)
	s := &Scheduler{log: log, cancel: cancel, runs: map[string]int{}}
	for _, t := range tasks {
		s.wg.Add(1)
		go s.loop(ctx, t)
	}
	return s
}

func (s *Scheduler) loop(ctx context.Context, t Task) {
	defer s.wg.Done()
	tick := time.NewTicker(t.Every)
	defer tick.Stop()
	for {
		s.runOnce(ctx, t)
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
	}
}

func (s *Scheduler) runOnce(ctx context.Context, t Task) {
	defer func() {
		if p := recover(); p != nil {
			s.log.ErrorContext(ctx, "task panicked", "task", t.Name, "panic", fmt.Sprint(p))
		}
		s.mu.Lock()
		s.runs[t.Name]++
		s.mu.Unlock()
	}()
	if err := t.Run(ctx); err != nil && ctx.Err() == nil {
		s.log.ErrorContext(ctx, "task failed", "task", t.Name, "err", err)
	}
}

// Runs reports how many times a task has run (for tests and metrics).
func (s *Scheduler) Runs(name string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.runs[name]
}

// Shutdown stops the tasks and waits for running ones to return, or for ctx.
func (s *Scheduler) Shutdown(ctx context.Context) error {
	s.cancel()
	done := make(chan struct{})
	go func() { s.wg.Wait(); close(done) }()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		return fmt.Errorf("jobs: shutdown: %w", ctx.Err())
	}
}
