package cli

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/beian/beian/internal/gate"
)

const gateNumber = "京ICP备2026000001号-1"

func gateEnv(getenv map[string]string) (*Env, *bytes.Buffer, *bytes.Buffer) {
	var out, errb bytes.Buffer
	return &Env{
		Stdin:  strings.NewReader(""),
		Stdout: &out,
		Stderr: &errb,
		Getenv: func(k string) string { return getenv[k] },
		Now:    time.Now,
	}, &out, &errb
}

func writeHosts(t *testing.T, lines ...string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "hosts.tsv")
	if err := os.WriteFile(path, []byte(strings.Join(lines, "\n")+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestGateExport(t *testing.T) {
	hosts := writeHosts(t, "# filed", "Example.com\t"+gateNumber, "b.example.cn\t"+gateNumber)
	feed := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "Bearer s3cret" || r.URL.Path != gate.FeedSnapshotPath {
			http.Error(w, "no", http.StatusUnauthorized)
			return
		}
		fmt.Fprintf(w, `{"version":5,"generated_at":"2026-05-01T00:00:00Z","entries":[{"domain":"feed.cn","number":%q,"status":"approved"},{"domain":"wait.cn","status":"pending"}]}`, gateNumber)
	}))
	defer feed.Close()
	tests := []struct {
		name     string
		args     []string
		env      map[string]string
		wantCode int
		stdout   []string
		stderr   string
	}{
		{"nginx map", []string{"gate", "export", "--hosts", hosts, "--format", "nginx-map"}, nil, ExitOK,
			[]string{"map $host $icp_number {", "    .example.com \"" + gateNumber + "\";", "    .b.example.cn "}, ""},
		{"caddy", []string{"gate", "export", "--format", "caddy", "--hosts", hosts}, nil, ExitOK, []string{"host example.com *.example.com"}, ""},
		{"txt by default", []string{"gate", "export", "--hosts", hosts}, nil, ExitOK, []string{"example.com\t" + gateNumber}, ""},
		{"feed with the token from the environment", []string{"gate", "export", "--feed", feed.URL, "--format", "txt"},
			map[string]string{"BEIAN_GATE_TOKEN": "s3cret"}, ExitOK, []string{"feed.cn\t" + gateNumber}, ""},
		{"feed with a bad token", []string{"gate", "export", "--feed", feed.URL, "--token", "nope"}, nil, ExitInvalid, nil, "401"},
		{"feed without a token", []string{"gate", "export", "--feed", feed.URL}, nil, ExitInvalid, nil, "no token"},
		{"unknown format", []string{"gate", "export", "--hosts", hosts, "--format", "apache"}, nil, ExitUsage, nil, "--format"},
		{"no source", []string{"gate", "export"}, nil, ExitInvalid, nil, "exactly one of --hosts, --feed or --db"},
		{"two sources", []string{"gate", "export", "--hosts", hosts, "--feed", feed.URL}, nil, ExitInvalid, nil, "exactly one"},
		{"database that cannot be opened", []string{"gate", "export", "--db", "postgres://nobody@127.0.0.1:1/none?connect_timeout=2"}, nil, ExitInvalid, nil, "postgres"},
		{"bad hosts file", []string{"gate", "export", "--hosts", writeHosts(t, "a.cn\t"+gateNumber, "oops")}, nil, ExitInvalid, nil, "line 2"},
		{"stray argument", []string{"gate", "export", "--hosts", hosts, "extra"}, nil, ExitUsage, nil, "unexpected argument"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env, out, errb := gateEnv(tt.env)
			if code := Run(env, tt.args); code != tt.wantCode {
				t.Fatalf("exit %d, want %d; stderr %s", code, tt.wantCode, errb)
			}
			for _, s := range tt.stdout {
				if !strings.Contains(out.String(), s) {
					t.Errorf("stdout lacks %q:\n%s", s, out)
				}
			}
			if !strings.Contains(errb.String(), tt.stderr) {
				t.Errorf("stderr %q lacks %q", errb, tt.stderr)
			}
			if strings.Contains(out.String()+errb.String(), "s3cret") {
				t.Error("the token was printed")
			}
		})
	}
}

// TestGateServeFailsFastOnBadConfiguration checks that configuration errors
// stop `beian gate` at start, before it listens.
func TestGateServeFailsFastOnBadConfiguration(t *testing.T) {
	hosts := writeHosts(t, "a.cn\t"+gateNumber)
	for _, tt := range []struct {
		name     string
		args     []string
		wantCode int
		stderr   string
	}{
		{"no source", []string{"--listen", "127.0.0.1:0"}, ExitInvalid, "exactly one"},
		{"bad hosts file", []string{"--listen", "127.0.0.1:0", "--hosts", writeHosts(t, "bad")}, ExitInvalid, "line 1"},
		{"missing hosts file", []string{"--listen", "127.0.0.1:0", "--hosts", filepath.Join(t.TempDir(), "none")}, ExitInvalid, "no such file"},
		{"deny status", []string{"--listen", "127.0.0.1:0", "--hosts", hosts, "--deny-status", "500"}, ExitInvalid, "deny status"},
		{"upstream scheme", []string{"--listen", "127.0.0.1:0", "--hosts", hosts, "--upstream", "ftp://x"}, ExitInvalid, "upstream"},
		{"bad listen address", []string{"--listen", "127.0.0.1:notaport", "--hosts", hosts}, ExitInvalid, "notaport"},
		{"log format", []string{"--hosts", hosts, "--log-format", "xml"}, ExitUsage, "log-format"},
		{"unknown flag", []string{"--hosts", hosts, "--nope"}, ExitUsage, "nope"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			env, _, errb := gateEnv(map[string]string{"GOGC": "100"})
			ready := func(net.Addr) { t.Error("listened despite a bad configuration") }
			if code := serveGate(context.Background(), env, tt.args, nil, ready); code != tt.wantCode {
				t.Fatalf("exit %d, want %d; stderr %s", code, tt.wantCode, errb)
			}
			if !strings.Contains(errb.String(), tt.stderr) {
				t.Errorf("stderr %q lacks %q", errb, tt.stderr)
			}
		})
	}
}

// TestGateServe runs `beian gate` in process: it answers, reloads the hosts
// file on SIGHUP, and exits 0 when its context ends.
func TestGateServe(t *testing.T) {
	hosts := writeHosts(t, "example.com\t"+gateNumber)
	env, _, errb := gateEnv(map[string]string{"GOGC": "100"})
	ctx, cancel := context.WithCancel(context.Background())
	hup := make(chan os.Signal, 1)
	addrc := make(chan net.Addr, 1)
	done := make(chan int, 1)
	go func() {
		done <- serveGate(ctx, env, []string{"--listen", "127.0.0.1:0", "--hosts", hosts, "--poll", "1h"}, hup, func(a net.Addr) { addrc <- a })
	}()
	var addr net.Addr
	select {
	case addr = <-addrc:
	case code := <-done:
		t.Fatalf("gate exited %d: %s", code, errb)
	}
	client := &http.Client{Timeout: 5 * time.Second}
	defer client.CloseIdleConnections()
	get := func(host string) (int, string) {
		req, _ := http.NewRequest(http.MethodGet, "http://"+addr.String()+"/", nil)
		req.Host = host
		resp, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		return resp.StatusCode, resp.Header.Get("X-ICP-Number")
	}
	if code, num := get("www.example.com"); code != 204 || num != gateNumber {
		t.Fatalf("filed host: %d %q", code, num)
	}
	if code, _ := get("new.example.cn"); code != 451 {
		t.Fatalf("unfiled host: %d", code)
	}

	if err := os.WriteFile(hosts, []byte("example.com\t"+gateNumber+"\nnew.example.cn\t"+gateNumber+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	hup <- syscall.SIGHUP
	// The reload runs in the background; wait for it, bounded.
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		if code, _ := get("new.example.cn"); code == 204 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("SIGHUP did not reload the hosts file: %s", errb)
		}
	}

	cancel()
	select {
	case code := <-done:
		if code != ExitOK {
			t.Errorf("exit %d: %s", code, errb)
		}
	case <-time.After(15 * time.Second):
		t.Fatal("gate did not stop after its context ended")
	}
	if !strings.Contains(errb.String(), "SIGHUP") {
		t.Errorf("the reload was not logged: %s", errb)
	}
}
