package secret

import (
	"bytes"
	"encoding/json"
	"fmt"
	"log/slog"
	"strings"
	"testing"
)

func TestMaskID(t *testing.T) {
	tests := []struct{ in, want string }{
		{"110101199003071234", "110101********1234"},
		{"11010519491231002X", "110105********002X"},
		{" 11010519491231002X ", "110105********002X"},
		{"91350100M000100Y43", "913501********0Y43"}, // a USCC is 18 characters too
		{"E12345678", "E1*****78"},                   // passport: 9
		{"110101800101123", "11***********23"},       // old 15-digit ID
		{"12345678", "12****78"},
		{"1234567", "1*****7"},
		{"12345", "1***5"},
		{"1234", "****"},
		{"1", "*"},
		{"", ""},
		{"张三李四王五赵六", "张三****赵六"},
		{"香港身份证号A", "香*****A"},
		{"\xff\xfe\xfd\xfc\xfb", "\uFFFD***\uFFFD"}, // invalid UTF-8 never panics
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			if got := MaskID(tt.in); got != tt.want {
				t.Errorf("MaskID(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestMaskPhone(t *testing.T) {
	tests := []struct{ in, want string }{
		{"13812345678", "138****5678"},
		{"+8613812345678", "+86*******5678"},
		{"010-12345678", "010*****5678"},
		{"1234567", "12***67"},
		{"123456", "******"},
		{"12", "**"},
		{"", ""},
		{"１３８１２３４５６７８", "１３８****５６７８"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			if got := MaskPhone(tt.in); got != tt.want {
				t.Errorf("MaskPhone(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestMaskEmail(t *testing.T) {
	tests := []struct{ in, want string }{
		{"alice@example.com", "a***@example.com"},
		{"a@example.com", "a***@example.com"},
		{" Bob.Smith@mail.example.cn ", "B***@mail.example.cn"},
		{"张三@例子.中国", "张***@例子.中国"},
		{"we\"ird@x@example.com", "w***@example.com"},
		{"@example.com", "***"},
		{"alice@", "***"},
		{"no-at-sign", "***"},
		{"", "***"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			if got := MaskEmail(tt.in); got != tt.want {
				t.Errorf("MaskEmail(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestMaskedPrintsMasked(t *testing.T) {
	tests := []struct {
		name  string
		value Masked
		want  string
		clear string
	}{
		{"id", "11010519491231002X", "110105********002X", "19491231"},
		{"phone", "13812345678", "138****5678", "1234"},
		{"phone with country code", "+86 138 1234 5678", "+86**********5678", "1234"},
		{"email", "alice@example.com", "a***@example.com", "alice"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.value.Reveal() != string(tt.value) {
				t.Errorf("Reveal = %q", tt.value.Reveal())
			}
			if got := tt.value.String(); got != tt.want {
				t.Errorf("String = %q, want %q", got, tt.want)
			}
			type row struct {
				Phone Masked
				Name  string
			}
			outputs := map[string]string{
				"%s":         fmt.Sprintf("%s", tt.value),
				"%v":         fmt.Sprintf("%v", tt.value),
				"%q":         fmt.Sprintf("%q", tt.value),
				"%x":         fmt.Sprintf("%x", tt.value),
				"%#v":        fmt.Sprintf("%#v", tt.value),
				"%20s":       fmt.Sprintf("%20s", tt.value),
				"Sprint":     fmt.Sprint(tt.value),
				"struct %v":  fmt.Sprintf("%v", row{tt.value, "n"}),
				"struct %+v": fmt.Sprintf("%+v", row{tt.value, "n"}),
				"struct %#v": fmt.Sprintf("%#v", row{tt.value, "n"}),
				"error":      fmt.Errorf("bad principal %v", tt.value).Error(),
			}
			js, err := json.Marshal(row{tt.value, "n"})
			if err != nil {
				t.Fatal(err)
			}
			outputs["json"] = string(js)
			txt, _ := tt.value.MarshalText()
			outputs["text"] = string(txt)
			for how, out := range outputs {
				if strings.Contains(out, tt.clear) {
					t.Errorf("%s prints the clear value: %s", how, out)
				}
			}
			if !strings.Contains(outputs["%s"], tt.want) || !strings.Contains(outputs["json"], tt.want) {
				t.Errorf("masked form missing: %%s=%q json=%q", outputs["%s"], outputs["json"])
			}
		})
	}
}

func TestMaskedSlog(t *testing.T) {
	const clear = "11010519491231002X"
	const masked = "110105********002X"
	v := Masked(clear)
	type principal struct {
		Name     string
		IDNumber Masked
	}
	handlers := map[string]func(*bytes.Buffer) slog.Handler{
		"text": func(b *bytes.Buffer) slog.Handler { return slog.NewTextHandler(b, nil) },
		"json": func(b *bytes.Buffer) slog.Handler { return slog.NewJSONHandler(b, nil) },
	}
	for name, mk := range handlers {
		t.Run(name, func(t *testing.T) {
			var buf bytes.Buffer
			log := slog.New(mk(&buf))
			log.Info("attr", "id_number", v)
			log.Info("attr", slog.Any("id_number", v))
			log.Info("group", slog.Group("principal", "id_number", v))
			log.With("id_number", v).Info("with")
			log.Info("struct", "principal", principal{"张三", v})
			log.Info("pointer", "principal", &principal{"张三", v})
			out := buf.String()
			if strings.Contains(out, clear) || strings.Contains(out, "19491231") {
				t.Fatalf("slog printed the clear value:\n%s", out)
			}
			if n := strings.Count(out, masked); n != 6 {
				t.Errorf("masked value printed %d times, want 6:\n%s", n, out)
			}
		})
	}
}
