//go:build !linux

package gate

import (
	"errors"
	"net"
)

// loopGroup has no implementation here: the fast path's event loop needs
// epoll, so on other systems Serve gives every connection to net/http.
type loopGroup struct{}

func newLoopGroup(*fastServer, int) (*loopGroup, error) { return nil, errors.ErrUnsupported }

func (*loopGroup) start()              {}
func (*loopGroup) stop()               {}
func (*loopGroup) adopt(net.Conn) bool { return false }
