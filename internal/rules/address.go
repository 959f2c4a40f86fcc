package rules

import (
	"strings"

	"golang.org/x/text/unicode/norm"
)

// provinceName is a Mainland province as addresses write it: the 2-digit
// GB/T 2260 prefix, the short name, and the full name with its suffix.
type provinceName struct{ key, short, full string }

// provinceNames is the lookup table for addressProvince (GB/T 2260).
var provinceNames = []provinceName{
	{"11", "北京", "北京市"}, {"12", "天津", "天津市"}, {"13", "河北", "河北省"}, {"14", "山西", "山西省"},
	{"15", "内蒙古", "内蒙古自治区"}, {"21", "辽宁", "辽宁省"}, {"22", "吉林", "吉林省"}, {"23", "黑龙江", "黑龙江省"},
	{"31", "上海", "上海市"}, {"32", "江苏", "江苏省"}, {"33", "浙江", "浙江省"}, {"34", "安徽", "安徽省"},
	{"35", "福建", "福建省"}, {"36", "江西", "江西省"}, {"37", "山东", "山东省"}, {"41", "河南", "河南省"},
	{"42", "湖北", "湖北省"}, {"43", "湖南", "湖南省"}, {"44", "广东", "广东省"}, {"45", "广西", "广西壮族自治区"},
	{"46", "海南", "海南省"}, {"50", "重庆", "重庆市"}, {"51", "四川", "四川省"}, {"52", "贵州", "贵州省"},
	{"53", "云南", "云南省"}, {"54", "西藏", "西藏自治区"}, {"61", "陕西", "陕西省"}, {"62", "甘肃", "甘肃省"},
	{"63", "青海", "青海省"}, {"64", "宁夏", "宁夏回族自治区"}, {"65", "新疆", "新疆维吾尔自治区"},
}

// addressProvince finds the province an address is in: the province the
// address starts with (after an optional 中国), else a full province name
// (…省, …自治区) inside it. Street names such as 广州市北京路 do not count,
// because a municipality is recognised only at the start. ok is false when
// the address names no province.
func addressProvince(addr string) (key, name string, ok bool) {
	a := strings.Join(strings.Fields(norm.NFKC.String(addr)), "")
	for _, p := range []string{"中华人民共和国", "中国", "中國"} {
		a = strings.TrimPrefix(a, p)
	}
	for _, p := range provinceNames {
		// 海南藏族自治州 and 河南蒙古族自治县 are in Qinghai, not in Hainan or Henan.
		if strings.HasPrefix(a, p.short) && !strings.HasPrefix(a[len(p.short):], "藏族") && !strings.HasPrefix(a[len(p.short):], "蒙古族") {
			return p.key, p.full, true
		}
	}
	for _, p := range provinceNames {
		if strings.HasSuffix(p.full, "市") {
			continue
		}
		if strings.Contains(a, p.full) {
			return p.key, p.full, true
		}
	}
	return "", "", false
}
