//go:build !linux

package eventloop

import (
	"errors"
	"net"
)

// loopGroup has no implementation here: the event loop needs epoll, so on
// other systems Serve returns ErrUnsupported.
type loopGroup struct{}

func newLoopGroup(*server, int) (*loopGroup, error) { return nil, errors.ErrUnsupported }

func (*loopGroup) start()              {}
func (*loopGroup) stop()               {}
func (*loopGroup) adopt(net.Conn) bool { return false }
