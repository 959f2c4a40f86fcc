package gate

import (
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"
)

// TestEventLoopTakesForwardAuthConnections checks, through /metrics, that on
// Linux the ForwardAuth connections are served by the event loop and only
// those with the gate's own endpoints reach net/http (the answers alone
// cannot tell: both servers give the same ones).
func TestEventLoopTakesForwardAuthConnections(t *testing.T) {
	addr := startGate(t, newTestGate(t, Config{}))
	for range 3 {
		exchange(t, addr, "GET / HTTP/1.1\r\nHost: example.com\r\n\r\nGET / HTTP/1.1\r\nHost: unfiled.cn\r\n\r\n", 2, false)
	}
	exchange(t, addr, "GET /healthz HTTP/1.1\r\nHost: gate\r\n\r\n", 1, false)
	c := http.Client{Timeout: 10 * time.Second}
	resp, err := c.Get("http://" + addr + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	for _, want := range []string{
		`beian_gate_connections_total{server="fast"} 5`,
		`beian_gate_connections_total{server="net_http"} 2`,
		`beian_gate_decisions_total{result="allowed"} 3`,
		`beian_gate_decision_batch_size_sum 6`, // every ForwardAuth request decided in a batch
	} {
		if !strings.Contains(string(b), want) {
			t.Errorf("metrics lack %q", want)
		}
	}
}

// TestEventLoopSpreadsConnections checks that with several loops every one
// of many concurrent connections is answered.
func TestEventLoopSpreadsConnections(t *testing.T) {
	addr := startGate(t, newTestGate(t, Config{}))
	conns := make([]net.Conn, 50)
	for i := range conns {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		conns[i] = c
	}
	for round := range 3 {
		for _, c := range conns {
			if _, err := io.WriteString(c, "GET / HTTP/1.1\r\nHost: www.example.com\r\n\r\n"); err != nil {
				t.Fatal(err)
			}
		}
		for i, c := range conns {
			_ = c.SetReadDeadline(time.Now().Add(10 * time.Second))
			buf := make([]byte, 512)
			n, err := c.Read(buf)
			if err != nil || !strings.HasPrefix(string(buf[:n]), "HTTP/1.1 204 ") {
				t.Fatalf("round %d, connection %d: %q %v", round, i, buf[:n], err)
			}
		}
	}
}
