package icpnum

import (
	"reflect"
	"testing"
)

func TestParsePSB(t *testing.T) {
	tests := []struct {
		in, want, prov, county, kind string
		serial                       int
	}{
		// Real PSB numbers from public footers: with and without 号, with a
		// space after 公网安备, and without any prefix.
		{"浙公网安备33028302000652", "浙公网安备33028302000652号", "33", "330283", "02", 652},
		{"湘公网安备43010502002236号", "湘公网安备43010502002236号", "43", "430105", "02", 2236},
		{"陕公网安备61040202000893号", "陕公网安备61040202000893号", "61", "610402", "02", 893},
		{"51012402001727", "川公网安备51012402001727号", "51", "510124", "02", 1727},
		{"滇公网安备53062802000020号", "滇公网安备53062802000020号", "53", "530628", "02", 20},
		{"鲁公网安备37021402000083号", "鲁公网安备37021402000083号", "37", "370214", "02", 83},
		{"津公网安备12011402001763号", "津公网安备12011402001763号", "12", "120114", "02", 1763},
		{"陕公网安备61019702000415号", "陕公网安备61019702000415号", "61", "610197", "02", 415},
		{"11000002000001", "京公网安备11000002000001号", "11", "110000", "02", 1},
		{"京公网安备 11010602005139号", "京公网安备11010602005139号", "11", "110106", "02", 5139},
		// Footers of Alibaba Cloud and Tencent Cloud.
		{"浙公网安备 33010602009975号", "浙公网安备33010602009975号", "33", "330106", "02", 9975},
		{"粤公网安备44030502008569号", "粤公网安备44030502008569号", "44", "440305", "02", 8569},
		// Variants.
		{"公网安备51012402001727号", "川公网安备51012402001727号", "51", "510124", "02", 1727},
		{"51012402001727号", "川公网安备51012402001727号", "51", "510124", "02", 1727},
		{"京公网安备&nbsp;１１０１０６０２００５１３９号", "京公网安备11010602005139号", "11", "110106", "02", 5139},
		{"甘公网安备62010202000001号", "甘公网安备62010202000001号", "62", "620102", "02", 1},
		{"陇公网安备62010202000001号", "陇公网安备62010202000001号", "62", "620102", "02", 1},
		{"蜀公网安备51012402001727号", "蜀公网安备51012402001727号", "51", "510124", "02", 1727},
		// Guizhou's PSB numbers read 贵 in public footers; bare digits get it.
		{"贵公网安备52010202003658号", "贵公网安备52010202003658号", "52", "520102", "02", 3658},
		{"52010202003658", "贵公网安备52010202003658号", "52", "520102", "02", 3658},
		{"黔公网安备52270102000276号", "黔公网安备52270102000276号", "52", "522701", "02", 276},
		{"京公网安备11010601005139号", "京公网安备11010601005139号", "11", "110106", "01", 5139},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			p, err := ParsePSB(tt.in)
			if err != nil {
				t.Fatalf("ParsePSB(%q): %v", tt.in, err)
			}
			if p.String() != tt.want || p.Province.Code != tt.prov || p.County != tt.county || p.Kind != tt.kind || p.Serial != tt.serial {
				t.Errorf("got %q %+v, want %q", p.String(), p, tt.want)
			}
			if code := p.Code(); len(code) != 14 || code != tt.county+tt.kind+tt.want[len(tt.want)-3-6:len(tt.want)-3] {
				t.Errorf("Code() = %q", code)
			}
			if p.QueryURL() != "https://beian.mps.gov.cn/#/query/webSearch?code="+p.Code() {
				t.Errorf("QueryURL() = %q", p.QueryURL())
			}
			again, err := ParsePSB(p.String())
			if err != nil || !reflect.DeepEqual(again, p) {
				t.Errorf("re-parse = %+v, %v; want %+v", again, err, p)
			}
		})
	}
	if got := FormatPSB("京", "110106", 5139); got != "京公网安备11010602005139号" {
		t.Errorf("FormatPSB = %q", got)
	}
}

func TestParsePSBLegacy(t *testing.T) {
	tests := []struct{ in, want, county, legacy string }{
		// Older Shenzhen numbers seen in public footers.
		{"深公网安备：4403101910665", "深公网安备4403101910665号", "440310", "1910665"},
		{"深公网安备4403300900603", "深公网安备4403300900603号", "440330", "0900603"},
		{"深公网安备 440330090060号", "深公网安备440330090060号", "440330", "090060"},
		{"深公网安备44030502000017号", "深公网安备44030502000017号", "440305", ""},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			p, err := ParsePSB(tt.in)
			if err != nil {
				t.Fatalf("ParsePSB(%q): %v", tt.in, err)
			}
			if p.String() != tt.want || p.County != tt.county || p.Legacy != tt.legacy || p.Province.Code != "44" {
				t.Errorf("got %q %+v", p.String(), p)
			}
			again, err := ParsePSB(p.String())
			if err != nil || !reflect.DeepEqual(again, p) {
				t.Errorf("re-parse = %+v, %v; want %+v", again, err, p)
			}
		})
	}
	if p, ok := PSBPrefix("深"); !ok || p.Code != "44" {
		t.Errorf("PSBPrefix(深) = %+v, %v", p, ok)
	}
	if _, ok := PSBPrefix("港"); ok {
		t.Error("PSBPrefix(港) is ok")
	}
	for _, tt := range []struct{ in, code string }{
		{"深公网安备11000002000001号", CodePSBProvinceMismatch},
		{"深公网安备4401101910665", CodePSBProvinceMismatch},
		{"深公网安备44031019106", CodePSBBadDigits},
		{"深公网安备4403100000000", CodePSBBadSerial},
		{"粤公网安备4403101910665", CodePSBBadDigits},
	} {
		t.Run(tt.in, func(t *testing.T) {
			_, err := ParsePSB(tt.in)
			if got := errCode(t, err); got != tt.code {
				t.Errorf("ParsePSB(%q) code %q, want %q", tt.in, got, tt.code)
			}
		})
	}
}

func TestParsePSBErrors(t *testing.T) {
	tests := []struct{ in, code string }{
		{"", CodePSBEmpty},
		{"\u3000", CodePSBEmpty},
		{"京ICP备2021000001号", CodePSBBadFormat},
		{"京公安备11010602005139号", CodePSBBadFormat},
		{"港公网安备11010602005139号", CodePSBBadProvince},
		{"京公网安备1101060200513号", CodePSBBadDigits},
		{"京公网安备110106020051390号", CodePSBBadDigits},
		{"京公网安备号", CodePSBBadDigits},
		{"1101060200513", CodePSBBadDigits},
		{"京公网安备91010602005139号", CodePSBBadCounty},
		{"71010602005139", CodePSBBadCounty},
		{"沪公网安备11010602005139号", CodePSBProvinceMismatch},
		{"川公网安备62010202000001号", CodePSBProvinceMismatch},
		{"京公网安备11010602000000号", CodePSBBadSerial},
		{"京公网安备11010602005139号-1", CodePSBBadFormat},
		{"abc", CodePSBBadFormat},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			p, err := ParsePSB(tt.in)
			if got := errCode(t, err); got != tt.code {
				t.Errorf("ParsePSB(%q) = %+v, code %q; want %q", tt.in, p, got, tt.code)
			}
		})
	}
}
