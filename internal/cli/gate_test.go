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
	"slices"
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
		env      map[string]string
	}{
		{"no source", []string{"--listen", "127.0.0.1:0"}, ExitInvalid, "exactly one", nil},
		{"bad hosts file", []string{"--listen", "127.0.0.1:0", "--hosts", writeHosts(t, "bad")}, ExitInvalid, "line 1", nil},
		{"missing hosts file", []string{"--listen", "127.0.0.1:0", "--hosts", filepath.Join(t.TempDir(), "none")}, ExitInvalid, "no such file", nil},
		{"deny status", []string{"--listen", "127.0.0.1:0", "--hosts", hosts, "--deny-status", "500"}, ExitInvalid, "deny status", nil},
		{"allow status", []string{"--listen", "127.0.0.1:0", "--hosts", hosts, "--allow-status", "201"}, ExitInvalid, "allow status", nil},
		{"upstream scheme", []string{"--listen", "127.0.0.1:0", "--hosts", hosts, "--upstream", "ftp://x"}, ExitInvalid, "upstream", nil},
		{"bad listen address", []string{"--listen", "127.0.0.1:notaport", "--hosts", hosts}, ExitInvalid, "notaport", nil},
		{"log format", []string{"--hosts", hosts, "--log-format", "xml"}, ExitUsage, "log-format", nil},
		{"unknown flag", []string{"--hosts", hosts, "--nope"}, ExitUsage, "nope", nil},
		{"bad trusted proxy", []string{"--listen", "127.0.0.1:0", "--hosts", hosts, "--trusted-proxy", "10.0.0.0/33"}, ExitUsage, "-trusted-proxy", nil},
		{"trusted proxy with host bits", []string{"--listen", "127.0.0.1:0", "--hosts", hosts, "--trusted-proxy", "10.0.0.5/8"}, ExitUsage, "host bits", nil},
		{"trusted proxy none and more", []string{"--listen", "127.0.0.1:0", "--hosts", hosts, "--trusted-proxy", "none", "--trusted-proxy", "10.0.0.1"}, ExitUsage, "-trusted-proxy", nil},
		{"bad trusted proxies in the environment", []string{"--listen", "127.0.0.1:0", "--hosts", hosts}, ExitUsage, "BEIAN_GATE_TRUSTED_PROXIES",
			map[string]string{"BEIAN_GATE_TRUSTED_PROXIES": "10.0.0.0/8,gateway"}},
		{"zero header timeout", []string{"--listen", "127.0.0.1:0", "--hosts", hosts, "--header-timeout", "0s"}, ExitUsage, "--header-timeout", nil},
		{"negative idle timeout", []string{"--listen", "127.0.0.1:0", "--hosts", hosts, "--idle-timeout", "-1s"}, ExitUsage, "--idle-timeout", nil},
		{"negative read timeout", []string{"--listen", "127.0.0.1:0", "--hosts", hosts, "--read-timeout", "-1s"}, ExitUsage, "-read-timeout", nil},
		{"bad write timeout", []string{"--listen", "127.0.0.1:0", "--hosts", hosts, "--write-timeout", "soon"}, ExitUsage, "-write-timeout", nil},
		{"negative max conns", []string{"--listen", "127.0.0.1:0", "--hosts", hosts, "--max-conns", "-5"}, ExitUsage, "--max-conns", nil},
	} {
		t.Run(tt.name, func(t *testing.T) {
			vars := map[string]string{"GOGC": "100"}
			for k, v := range tt.env {
				vars[k] = v
			}
			env, _, errb := gateEnv(vars)
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

// startServeGate runs `beian gate` in process with args until the test
// ends and returns its address.
func startServeGate(t *testing.T, args []string, vars map[string]string) string {
	t.Helper()
	all := map[string]string{"GOGC": "100"}
	for k, v := range vars {
		all[k] = v
	}
	env, _, errb := gateEnv(all)
	ctx, cancel := context.WithCancel(context.Background())
	addrc := make(chan net.Addr, 1)
	done := make(chan int, 1)
	go func() { done <- serveGate(ctx, env, args, nil, func(a net.Addr) { addrc <- a }) }()
	select {
	case a := <-addrc:
		t.Cleanup(func() {
			cancel()
			if code := <-done; code != ExitOK {
				t.Errorf("gate exited %d: %s", code, errb)
			}
		})
		return a.String()
	case code := <-done:
		cancel()
		t.Fatalf("gate exited %d: %s", code, errb)
	}
	return ""
}

// TestGateServeTrustedProxies sends the attack of issue 15 (the Host of an
// unfiled site, the X-Forwarded-Host of a filed one) from loopback to gates
// that trust loopback (the default) or not, as set by --trusted-proxy or
// $BEIAN_GATE_TRUSTED_PROXIES (the flag wins).
func TestGateServeTrustedProxies(t *testing.T) {
	hosts := writeHosts(t, "example.com\t"+gateNumber)
	base := []string{"--listen", "127.0.0.1:0", "--hosts", hosts, "--poll", "1h"}
	for _, tt := range []struct {
		name string
		args []string
		env  map[string]string
		want int
	}{
		{"default: loopback trusted", nil, nil, http.StatusNoContent},
		{"flag: loopback not listed", []string{"--trusted-proxy", "192.0.2.0/24"}, nil, http.StatusUnavailableForLegalReasons},
		{"flag: none", []string{"--trusted-proxy", "none"}, nil, http.StatusUnavailableForLegalReasons},
		{"flag: loopback by name, and another", []string{"--trusted-proxy", "loopback", "--trusted-proxy", "10.0.0.7"}, nil, http.StatusNoContent},
		{"environment: loopback not listed", nil, map[string]string{"BEIAN_GATE_TRUSTED_PROXIES": "192.0.2.1, 10.0.0.0/8"}, http.StatusUnavailableForLegalReasons},
		{"flag wins over the environment", []string{"--trusted-proxy", "127.0.0.1"}, map[string]string{"BEIAN_GATE_TRUSTED_PROXIES": "192.0.2.1"}, http.StatusNoContent},
	} {
		t.Run(tt.name, func(t *testing.T) {
			addr := startServeGate(t, append(slices.Clone(base), tt.args...), tt.env)
			req, _ := http.NewRequest(http.MethodGet, "http://"+addr+"/", nil)
			req.Host = "unfiled.example"
			req.Header.Set("X-Forwarded-Host", "www.example.com")
			client := &http.Client{Timeout: 5 * time.Second}
			defer client.CloseIdleConnections()
			resp, err := client.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode != tt.want {
				t.Errorf("status %d, want %d", resp.StatusCode, tt.want)
			}
		})
	}
}
