// Command gen writes N synthetic filing rows in the bulk format `beian
// import` reads (the public-query field names), CSV or JSON Lines, for the
// import benchmark. Rows are deterministic: row r is an entity in one of the
// 31 provinces with one website and domain, and every tenth entity a second
// website, so the file exercises the entity/website grouping.
package main

import (
	"bufio"
	"encoding/json"
	"flag"
	"fmt"
	"os"

	"github.com/beian/beian/internal/icpnum"
)

func main() {
	n := flag.Int("n", 1000000, "number of rows")
	format := flag.String("format", "csv", "csv or jsonl")
	flag.Parse()
	if err := write(*n, *format); err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
}

var header = []string{"unitName", "natureName", "mainLicence", "serviceLicence", "serviceName", "domain", "homeUrl",
	"contentTypeName", "limitAccess", "updateRecordTime"}

func write(n int, format string) error {
	provs := icpnum.Provinces()
	w := bufio.NewWriterSize(os.Stdout, 1<<20)
	if format == "csv" {
		fmt.Fprintln(w, "unitName,natureName,mainLicence,serviceLicence,serviceName,domain,homeUrl,contentTypeName,limitAccess,updateRecordTime")
	}
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	e, site := 0, 0
	for r := 0; r < n; r++ {
		// Every tenth entity gets a second website on the next row.
		if site == 1 && e%10 == 0 {
			site = 2
		} else {
			e, site = e+1, 1
		}
		p := provs[e%len(provs)]
		year := 2015 + (e/len(provs))%11
		serial := e/(len(provs)*11) + 1
		num := icpnum.FormatFiling(p.ICPAbbrs[0], year, serial, 0)
		nature, unit := "企业", fmt.Sprintf("测试科技有限公司%07d", e)
		if e%7 == 0 {
			nature, unit = "个人", fmt.Sprintf("张测试%07d", e)
		}
		dom := fmt.Sprintf("site%d-%d.example.cn", e, site)
		rec := []string{unit, nature, num, fmt.Sprintf("%s-%d", num, site), fmt.Sprintf("测试网站%d-%d", e, site), dom,
			"https://www." + dom, "", "否", fmt.Sprintf("2024-%02d-%02d 10:%02d:%02d", 1+e%12, 1+e%28, e%60, r%60)}
		if format == "csv" {
			for i, f := range rec {
				if i > 0 {
					w.WriteByte(',')
				}
				w.WriteString(f)
			}
			w.WriteByte('\n')
			continue
		}
		m := make(map[string]string, len(rec))
		for i, f := range rec {
			m[header[i]] = f
		}
		if err := enc.Encode(m); err != nil {
			return err
		}
	}
	return w.Flush()
}
