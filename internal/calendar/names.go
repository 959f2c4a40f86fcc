package calendar

import "strings"

// englishNames translates the holiday names used in the embedded table. It is
// a read-only lookup table.
var englishNames = map[string]string{
	"元旦":  "New Year's Day",
	"春节":  "Spring Festival",
	"清明节": "Qingming Festival",
	"劳动节": "Labour Day",
	"端午节": "Dragon Boat Festival",
	"中秋节": "Mid-Autumn Festival",
	"国庆节": "National Day",
	"中国人民抗日战争暨世界反法西斯战争胜利70周年纪念日": "70th Anniversary of the Victory of the Chinese People's War of Resistance against Japanese Aggression and the World Anti-Fascist War",
}

// EnglishName translates a holiday name of the table, such as 春节 or the
// combined 国庆节、中秋节, into English ("Spring Festival", "National Day and
// Mid-Autumn Festival"). It returns "" for a name it does not know, such as a
// free-text name from an override file.
func EnglishName(name string) string {
	parts := strings.Split(name, "、")
	out := make([]string, 0, len(parts))
	for _, p := range parts {
		en, ok := englishNames[strings.TrimSpace(p)]
		if !ok {
			return ""
		}
		out = append(out, en)
	}
	return strings.Join(out, " and ")
}
