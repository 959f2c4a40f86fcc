// Package calendar does business-day arithmetic on the Mainland China
// calendar, because filing deadlines (provider review 2 business days,
// authority review 20) are counted in 工作日: weekends, statutory holidays
// and the weekend days worked in exchange (调休上班) all matter.
//
// Dates are civil dates in UTC+8 (Date), independent of the host's time zone
// database. The holidays come from an embedded table transcribed from the
// State Council notices for 2007–2026 (holidays.txt in this package, one
// block per notice, each citing it). A year the table does not cover falls
// back to Monday–Friday; Covers tells callers to warn about it, and an
// operator can add a year as soon as its notice is out (each November) with
// an override file, without a new release.
//
// # Holiday file format
//
// The embedded table and override files share one line-based UTF-8 format:
//
//	# comment (from # to the end of the line)
//	year 2027                            the complete arrangement for 2027
//	2027-01-01 off 元旦                   a rest day of the holiday 元旦
//	2027-02-05..2027-02-13 off 春节       a period of rest days, both ends included
//	2027-02-14 work 春节                  a make-up workday (调休上班)
//	amend 2026                           changes to single days of a covered year
//	2026-10-08 off 国庆节                 (e.g. an extension announced later)
//
// Rules:
//   - Every day line belongs to the `year` or `amend` line above it. Its
//     dates must lie in that year or the one before or after (a notice for
//     2019 lists 2018-12-29); a period is at most 31 days; NAME is required.
//   - List rest days as the notice does. A weekend day need not be listed:
//     an unlisted day is a business day exactly when it is Monday–Friday.
//     "off" makes any day a rest day. "work" makes a Saturday or Sunday a
//     business day; on a weekday it only cancels an earlier listing.
//   - `year YYYY` (1949–2199) makes the year covered. In an override file it
//     replaces everything the base table knew from its notice for YYYY,
//     including that notice's days in neighbouring years, so a corrected
//     notice can be typed in whole. A year may be started only once per file.
//   - `amend YYYY` keeps the year's other days and changes the listed ones;
//     the year must already be covered. A date may appear once per block;
//     across blocks the later line wins.
//
// internal/calendar/testdata/holidays-2027.example is a complete example.
package calendar
