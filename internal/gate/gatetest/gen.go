// Package gatetest generates the deterministic allow-lists and request mixes
// that the gate's tests and benchmarks and the bench/gate comparison with
// nginx share, so that every figure is measured on the same data. It depends
// on nothing but its own integer hash, so the data are the same on every
// machine and Go version.
package gatetest

import "strconv"

// provinces are the filing-number prefixes, one per provincial administration.
var provinces = [...]string{
	"京", "津", "冀", "晋", "蒙", "辽", "吉", "黑", "沪", "苏", "浙", "皖", "闽", "赣", "鲁", "豫",
	"鄂", "湘", "粤", "桂", "琼", "渝", "川", "贵", "云", "藏", "陕", "甘", "青", "宁", "新",
}

// tlds with a rough share of filings: a suffix is picked by h%100 < cumulative.
var tlds = [...]struct {
	suffix string
	upTo   uint64
}{
	{"com", 40}, {"cn", 65}, {"com.cn", 75}, {"net", 83}, {"top", 88},
	{"xyz", 92}, {"net.cn", 95}, {"org.cn", 97}, {"vip", 99}, {"shop", 100},
}

// subs are the subdomain prefixes of the request mix.
var subs = [...]string{"www", "m", "api", "img", "static.cdn", "a.b.c"}

// Hash is splitmix64: a fixed, well-mixed function of i.
func Hash(i uint64) uint64 {
	i += 0x9e3779b97f4a7c15
	i = (i ^ i>>30) * 0xbf58476d1ce4e5b9
	i = (i ^ i>>27) * 0x94d049bb133111eb
	return i ^ i>>31
}

func tld(h uint64) string {
	p := h % 100
	for _, t := range tlds {
		if p < t.upTo {
			return t.suffix
		}
	}
	return "com"
}

// label returns 5–12 lowercase letters (one in eight a digit) drawn from h.
func label(b []byte, h uint64) []byte {
	n := 5 + int(h%8)
	r := Hash(h)
	for range n {
		if r%8 == 0 {
			b = append(b, byte('0'+r/8%10))
		} else {
			b = append(b, byte('a'+r/8%26))
		}
		r = Hash(r)
	}
	return b
}

// Domain returns the i-th filed domain: unique for every i (the base-36 index
// ends the first label) and never containing a hyphen.
func Domain(i int) string {
	h := Hash(uint64(i))
	b := make([]byte, 0, 32)
	b = label(b, h)
	b = strconv.AppendInt(b, int64(i), 36)
	b = append(b, '.')
	b = append(b, tld(h>>40)...)
	return string(b)
}

// Number returns the ICP filing number of the i-th domain: two consecutive
// domains share one website and so one number, as sites with a .com and a
// .cn do.
func Number(i int) string {
	site := uint64(i / 2)
	h := Hash(site ^ 0x5eed)
	b := make([]byte, 0, 32)
	b = append(b, provinces[h%uint64(len(provinces))]...)
	b = append(b, "ICP备"...)
	b = strconv.AppendUint(b, 2010+h/31%17, 10)
	serial := h / 31 / 17 % 1000000
	b = append(b, byte('0'+serial/100000), byte('0'+serial/10000%10), byte('0'+serial/1000%10),
		byte('0'+serial/100%10), byte('0'+serial/10%10), byte('0'+serial%10))
	b = append(b, "号-"...)
	b = strconv.AppendUint(b, 1+h>>50%3, 10)
	return string(b)
}

// Kind is the kind of a request of the mix.
type Kind int

// The three equal thirds of the request mix.
const (
	Apex Kind = iota
	Subdomain
	Unfiled
)

// Request returns the i-th host of the request mix over n filed domains: a
// third filed apexes, a third subdomains of filed domains, a third unfiled
// hosts (a hyphen in the first label keeps them apart from every filed
// domain; half are apexes, half subdomains). The domain index it drew is
// returned for filed kinds.
func Request(i, n int) (host string, kind Kind, domain int) {
	h := Hash(uint64(i) ^ 0xabcdef)
	kind = Kind(i % 3)
	switch kind {
	case Apex:
		domain = int(h % uint64(n))
		return Domain(domain), kind, domain
	case Subdomain:
		domain = int(h % uint64(n))
		return subs[h>>40%uint64(len(subs))] + "." + Domain(domain), kind, domain
	}
	b := make([]byte, 0, 40)
	if h>>60&1 == 1 {
		b = append(b, "www."...)
	}
	b = append(b, "nf-"...)
	b = label(b, h)
	b = append(b, '.')
	b = append(b, tld(h>>40)...)
	return string(b), kind, -1
}
