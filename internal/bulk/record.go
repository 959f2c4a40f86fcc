// Package bulk moves filings in and out of the registry in bulk: `beian
// import` loads the filings a provider already hosts from CSV or JSON Lines,
// `beian export` streams the public fields of every filing in the same
// formats. The field names are those of the MIIT public query
// (https://beian.miit.gov.cn/, 工业和信息化部政务服务平台 ICP/IP地址/域名信息备案管理系统
// 公共查询), which the platform's public lookup also answers with, so a file
// exported here imports elsewhere and the other way round.
//
// An import is idempotent: rows are merged by filing number (entity and
// website) and domain name, an unchanged row writes nothing, and the same
// file twice leaves the database as the first run left it. It runs in
// batches, each one transaction, so an interrupted import leaves whole
// batches and a re-run finishes the rest.
package bulk

import (
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/beian/beian/internal/form"
	"github.com/beian/beian/internal/hostname"
	"github.com/beian/beian/internal/icpnum"
	"github.com/beian/beian/internal/lookup"
	"github.com/beian/beian/internal/operation"
)

// The fields of a bulk record, in the order export writes them. The first
// ten are the public-query fields; serviceType is the kind of service
// (website, app, mini_program, quick_app), written so that files keep their
// shape when App filings land.
const (
	FieldUnitName         = "unitName"
	FieldNatureName       = "natureName"
	FieldMainLicence      = "mainLicence"
	FieldServiceLicence   = "serviceLicence"
	FieldServiceName      = "serviceName"
	FieldDomain           = "domain"
	FieldHomeURL          = "homeUrl"
	FieldContentTypeName  = "contentTypeName"
	FieldLimitAccess      = "limitAccess"
	FieldUpdateRecordTime = "updateRecordTime"
	FieldServiceType      = "serviceType"
)

// Fields lists every field in export order.
func Fields() []string {
	return []string{FieldUnitName, FieldNatureName, FieldMainLicence, FieldServiceLicence, FieldServiceName, FieldDomain,
		FieldHomeURL, FieldContentTypeName, FieldLimitAccess, FieldUpdateRecordTime, FieldServiceType}
}

// required are the fields a CSV header must have; the others default.
func required() []string {
	return []string{FieldUnitName, FieldNatureName, FieldMainLicence, FieldServiceLicence, FieldServiceName, FieldDomain}
}

const nFields = 11

// fieldIndex maps a field name to its position in Fields.
func fieldIndex(name string) int {
	for i, f := range Fields() {
		if f == name {
			return i
		}
	}
	return -1
}

// Record is one filing row: a service (website) of an entity and one of its
// domains, with the public fields only (a website with several domains is
// several records). It is the record of the public lookup, so an export
// and a lookup answer carry the same fields under the same names.
type Record = lookup.Record

// values returns the fields of r in Fields order.
func values(r *Record) [nFields]string {
	return [nFields]string{r.UnitName, r.NatureName, r.MainLicence, r.ServiceLicence, r.ServiceName, r.Domain,
		r.HomeURL, r.ContentTypeName, r.LimitAccess, r.UpdateRecordTime, r.ServiceType}
}

// TimeLayout is the layout of updateRecordTime, in Beijing time as the
// public query shows it.
const TimeLayout = "2006-01-02 15:04:05"

// beijing is the Mainland civil time zone (UTC+8, no DST since 1991).
var beijing = time.FixedZone("CST", 8*3600)

// Limits on field lengths, in bytes. They are far above any real value and
// keep a hostile file from filling the registry with megabyte names.
const (
	maxNameBytes = 400
	maxURLBytes  = 2048
	maxTypeBytes = 1000
)

// RowError is a refused row: the line it starts on, the field at fault (""
// for the row as a whole) and the reason in English and Chinese.
type RowError struct {
	Line  int64
	Field string
	Code  string
	EN    string
	ZH    string
}

func (e *RowError) Error() string {
	if e.Field == "" {
		return fmt.Sprintf("line %d: %s (%s)", e.Line, e.EN, e.ZH)
	}
	return fmt.Sprintf("line %d: %s: %s (%s)", e.Line, e.Field, e.EN, e.ZH)
}

func rowErr(line int64, field, code, en, zh string) *RowError {
	return &RowError{Line: line, Field: field, Code: code, EN: en, ZH: zh}
}

// row is a checked record, normalised for the registry.
type row struct {
	line          int64
	entity        string // entity filing number, normalised
	licence       string // ICP licence number when mainLicence is one, else ""
	unit, nature  string
	province      string // GB/T 2260 code
	year, serial  int
	website       string // website filing number, normalised
	site          int
	service       string
	stype         string // service type: website, app, mini_program, quick_app
	domain        string // A-label form; "" when the service has none
	homeURL       string
	types         string
	limit         int
	updatedMicros int64
}

// natureByName maps the public query's labels (企业, 个人 …) and the API's
// codes (enterprise …) to the code.
func natureByName() map[string]string {
	m := map[string]string{}
	for _, n := range form.Natures {
		m[n] = n
		m[form.NatureName(n)] = n
	}
	return m
}

// checker turns records into rows; it holds the lookup tables built once per import.
type checker struct {
	natures map[string]string
	now     int64 // micros, for rows without updateRecordTime
}

func newChecker(now time.Time) *checker {
	return &checker{natures: natureByName(), now: now.Truncate(time.Second).UnixMicro()}
}

// check validates the fields of one record (in Fields order).
func (c *checker) check(line int64, f *[nFields]string) (row, *RowError) {
	for i := range f {
		if !utf8.ValidString(f[i]) {
			return row{}, rowErr(line, Fields()[i], "bulk.bad_utf8", "not valid UTF-8 (save the file as UTF-8)", "编码错误，文件须为 UTF-8")
		}
		f[i] = strings.TrimSpace(f[i])
	}
	r := row{line: line}
	unit, nature, main, svc := f[0], f[1], f[2], f[3]
	if unit == "" {
		return r, rowErr(line, FieldUnitName, "bulk.required", "is empty", "不能为空")
	}
	if len(unit) > maxNameBytes || len(f[4]) > maxNameBytes {
		return r, rowErr(line, FieldUnitName, "bulk.too_long", fmt.Sprintf("longer than %d bytes", maxNameBytes), "过长")
	}
	r.unit = unit
	n, ok := c.natures[nature]
	if !ok {
		return r, rowErr(line, FieldNatureName, "bulk.bad_nature", fmt.Sprintf("unknown nature %q (企业, 个人, 政府机关, 事业单位, 社会团体, 其他)", clip(nature)), "主办单位性质无效")
	}
	r.nature = n
	sf, err := icpnum.ParseFiling(svc)
	if err != nil {
		return r, numberErr(line, FieldServiceLicence, err)
	}
	if sf.Site == 0 {
		return r, rowErr(line, FieldServiceLicence, "bulk.not_service_number", "is an entity number; a service number ends in -N", "应为网站备案号（以 -N 结尾）")
	}
	st := string(sf.Service)
	if st == "" {
		st = string(icpnum.ServiceWebsite)
	}
	if t := f[10]; t != "" && t != st {
		return r, rowErr(line, FieldServiceType, "bulk.service_type_mismatch", fmt.Sprintf("%q does not match the number %s, which is a %s", clip(t), sf, st), "服务类型与备案号不符")
	}
	kind, ok := operation.Kind(icpnum.ServiceType(st))
	if !ok {
		return r, rowErr(line, FieldServiceType, "bulk.service_type_unsupported", st+" filings are not filed on this platform", "不支持该服务类型")
	}
	r.stype = st
	ent := sf.Entity()
	r.entity, r.website, r.site = ent.String(), sf.String(), sf.Site
	r.province, r.year, r.serial = ent.Province.Code, ent.Year, ent.Serial
	if mf, err := icpnum.ParseFiling(main); err == nil {
		if mf.Site != 0 || mf.String() != r.entity {
			return r, rowErr(line, FieldMainLicence, "bulk.number_mismatch", fmt.Sprintf("%s is not the entity number of %s", mf, r.website), "主体备案号与网站备案号不符")
		}
	} else if l, lerr := icpnum.ParseLicense(main); lerr == nil && l.Site == 0 {
		r.licence = l.String()
	} else {
		return r, numberErr(line, FieldMainLicence, err)
	}
	if f[4] == "" {
		return r, rowErr(line, FieldServiceName, "bulk.required", "is empty", "不能为空")
	}
	r.service = f[4]
	// An App, mini-program or quick app has no domain or home page of its
	// own in the registry (the hosts it calls are filed with the service,
	// not admitted by the gate), so a record of one that gives them is
	// refused rather than half imported.
	if f[5] != "" && !kind.Domains {
		return r, rowErr(line, FieldDomain, "bulk.domain_not_website", fmt.Sprintf("a %s has no domain in the registry; leave the field empty", st), "非网站服务（App、小程序、快应用）不填写域名")
	}
	if f[6] != "" && !kind.HomeURL {
		return r, rowErr(line, FieldHomeURL, "bulk.home_url_not_website", fmt.Sprintf("a %s has no home page; leave the field empty", st), "非网站服务（App、小程序、快应用）不填写首页地址")
	}
	if f[5] != "" {
		h, err := hostname.Parse(f[5])
		if err != nil {
			var he hostname.Error
			if errors.As(err, &he) {
				return r, rowErr(line, FieldDomain, he.Code, he.EN, he.ZH)
			}
			return r, rowErr(line, FieldDomain, "domain.bad", err.Error(), "域名无效")
		}
		r.domain = h.Name
	}
	if len(f[6]) > maxURLBytes {
		return r, rowErr(line, FieldHomeURL, "bulk.too_long", fmt.Sprintf("longer than %d bytes", maxURLBytes), "过长")
	}
	if len(f[7]) > maxTypeBytes {
		return r, rowErr(line, FieldContentTypeName, "bulk.too_long", fmt.Sprintf("longer than %d bytes", maxTypeBytes), "过长")
	}
	r.homeURL, r.types = f[6], f[7]
	switch strings.ToLower(f[8]) {
	case "", "否", "no", "false", "0", "n":
	case "是", "yes", "true", "1", "y":
		r.limit = 1
	default:
		return r, rowErr(line, FieldLimitAccess, "bulk.bad_limit_access", fmt.Sprintf("%q is not 是/否", clip(f[8])), "应为“是”或“否”")
	}
	r.updatedMicros = c.now
	if f[9] != "" {
		t, err := parseTime(f[9])
		if err != nil {
			return r, rowErr(line, FieldUpdateRecordTime, "bulk.bad_time", fmt.Sprintf("%q is not a time like 2024-05-01 10:00:00", clip(f[9])), "时间格式应为 2024-05-01 10:00:00")
		}
		r.updatedMicros = t.UnixMicro()
	}
	return r, nil
}

// parseTime reads updateRecordTime in the layouts seen in exports: the
// public query's, RFC 3339, and a bare date (Beijing time unless a zone is given).
func parseTime(s string) (time.Time, error) {
	for _, layout := range []string{TimeLayout, time.RFC3339, "2006-01-02T15:04:05", "2006-01-02"} {
		if t, err := time.ParseInLocation(layout, s, beijing); err == nil {
			return t, nil
		}
	}
	return time.Time{}, errors.New("bad time")
}

func numberErr(line int64, field string, err error) *RowError {
	var ie icpnum.Error
	if errors.As(err, &ie) {
		return rowErr(line, field, ie.Code, ie.EN, ie.ZH)
	}
	return rowErr(line, field, "icp.number.bad_format", err.Error(), "备案号无效")
}

// clip shortens a value for a message.
func clip(s string) string {
	if len(s) <= 40 {
		return s
	}
	i := 40
	for i > 0 && !utf8.RuneStart(s[i]) {
		i--
	}
	return s[:i] + "…"
}
