package cli_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/beian/beian/internal/cli"
)

// TestServeDraftMaxAgeFlag: a bad --draft-max-age is a usage error naming
// the flag, before anything is opened.
func TestServeDraftMaxAgeFlag(t *testing.T) {
	for _, v := range []string{"soon", "-1h"} {
		var out, errb bytes.Buffer
		code := cli.Run(keyedEnv(&out, &errb), []string{"serve", "--db", t.TempDir() + "/x.db", "--draft-max-age", v})
		if code != cli.ExitUsage || !strings.Contains(errb.String(), "--draft-max-age") || !strings.Contains(errb.String(), "草稿") {
			t.Errorf("--draft-max-age %s: exit %d, %q", v, code, errb.String())
		}
	}
}
