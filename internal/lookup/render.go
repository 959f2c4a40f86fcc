package lookup

import "unicode/utf8"

// The JSON of a page is written by hand rather than by encoding/json: the
// in-memory index renders its rows straight from the arena, without
// building a Record or reflecting over one, and both paths share these
// functions so that the same rows give the same bytes (and the same ETag)
// whichever answered. The output is what json.Marshal gives with HTML
// escaping off (FuzzAppendString holds it to that).

// appendString appends s as a JSON string.
func appendString[T string | []byte](b []byte, s T) []byte {
	const hex = "0123456789abcdef"
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			case '\b':
				b = append(b, '\\', 'b')
			case '\f':
				b = append(b, '\\', 'f')
			default:
				b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xF])
			}
			i++
			start = i
			continue
		}
		var r rune
		var size int
		switch v := any(s).(type) {
		case string:
			r, size = utf8.DecodeRuneInString(v[i:])
		case []byte:
			r, size = utf8.DecodeRune(v[i:])
		}
		if r == utf8.RuneError && size == 1 {
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
			i += size
			start = i
			continue
		}
		// U+2028 and U+2029 end lines in JavaScript; json escapes them.
		if r == '\u2028' || r == '\u2029' {
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hex[r&0xF])
			i += size
			start = i
			continue
		}
		i += size
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}

// appendPage appends {"items":[…],"next":"…"} for page (records from the
// database).
func appendPage(b []byte, p Page) []byte {
	b = append(b, `{"items":[`...)
	for i, r := range p.Items {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendRecord(b, r)
	}
	return appendNext(append(b, ']'), p.Next)
}

func appendNext(b []byte, next string) []byte {
	if next != "" {
		b = append(b, `,"next":`...)
		b = appendString(b, next)
	}
	return append(b, '}')
}

// appendRecord appends r, field by field in the order of Record (and of
// snapshot.appendRow).
func appendRecord(b []byte, r Record) []byte {
	b = append(b, `{"unitName":`...)
	b = appendString(b, r.UnitName)
	b = append(b, `,"natureName":`...)
	b = appendString(b, r.NatureName)
	b = append(b, `,"mainLicence":`...)
	b = appendString(b, r.MainLicence)
	b = append(b, `,"serviceLicence":`...)
	b = appendString(b, r.ServiceLicence)
	b = append(b, `,"serviceName":`...)
	b = appendString(b, r.ServiceName)
	b = append(b, `,"domain":`...)
	b = appendString(b, r.Domain)
	b = append(b, `,"homeUrl":`...)
	b = appendString(b, r.HomeURL)
	b = append(b, `,"contentTypeName":`...)
	b = appendString(b, r.ContentTypeName)
	b = append(b, `,"limitAccess":`...)
	b = appendString(b, r.LimitAccess)
	b = append(b, `,"updateRecordTime":`...)
	b = appendString(b, r.UpdateRecordTime)
	b = append(b, `,"serviceType":`...)
	b = appendString(b, r.ServiceType)
	return append(b, '}')
}
