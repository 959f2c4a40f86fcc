// Package ident validates Chinese identifiers as pure functions: the PRC
// resident ID (GB 11643), the unified social credit code (GB 32100), the
// organisation code (GB 11714), the permits of Hong Kong, Macao and Taiwan
// residents, passports and the foreigner's permanent-residence ID. The
// application checks (package rules) and `beian validate id|uscc` use it, so
// that a number is judged the same way in the CLI, the API and the UI.
//
// Two layers:
//
//   - ParseResidentID, ParseUSCC and CheckOrgCode are the core checks. They
//     take a normalised string (see Normalize), return small structs and a
//     package *Error, and do not allocate, so that one core checks well over
//     ten million IDs and codes per second (see the benchmarks).
//   - The Validate* functions take raw user input (they normalise it: trim,
//     full-width to ASCII, no inner spaces, upper case) and return a
//     finding.Result with messages in Chinese and English and an Info map.
//     Findings carry no Field: the caller names the input with
//     finding.WithField.
//
// Nothing here reads the clock: the caller passes now, from which "not in
// the future" and the age are computed (the age limit itself is a rule
// elsewhere). The county-code set is embedded (county_codes.txt, written by
// TestCountyCodesFile with -update from python-stdnum's table in the
// project's test data, which only that test reads).
//
// # Finding codes
//
// The codes are stable; the messages may change.
//
//	code                     severity  meaning
//	id.empty                 error     nothing was entered
//	id.invalid               error     an unexpected internal error (not expected to occur)
//	id.bad_type              error     Validate got an ID type it does not know
//	id.unknown_format        error     type detection found no format that fits
//	id.length                error     a resident ID is not 18 characters
//	id.legacy_15             error     a 15-digit first-generation ID (GB 11643-1989)
//	id.bad_charset           error     not 17 digits and a digit or X
//	id.bad_date              error     the birth date is not a real date (or before 1800)
//	id.future_date           error     the birth date is after today
//	id.checksum              error     the GB 11643 check character does not match
//	id.county_unknown        warning   the address code is no GB/T 2260 code of any year
//	id.type_mismatch         warning   a "resident ID" is really a residence permit or a 2023 foreign PR ID
//	uscc.length              error     a USCC is not 18 characters
//	uscc.bad_charset         error     a character outside 0-9 A-H J-N P Q R T U W X Y
//	uscc.bad_authority       error     position 1 is no registration authority
//	uscc.bad_category        error     position 2 is no category of that authority
//	uscc.bad_division        error     positions 3-8 are not six digits
//	uscc.checksum            error     the GB 32100 check character does not match
//	uscc.checksum_exception  warning   check character wrong, but the real Fujian pilot family (reviewer)
//	uscc.org_code_checksum   warning   positions 9-17 fail their own GB 11714 check
//	org.length               error     an organisation code is not 9 characters (or XXXXXXXX-X)
//	org.bad_charset          error     not 8 digits/capitals and a digit or X
//	org.checksum             error     the GB 11714 check character does not match
//	hkmo.format              error     no HK/Macao travel-permit or 810000/820000 residence-permit shape
//	tw.format                error     no Taiwan travel-permit or 830000 residence-permit shape
//	passport.length          error     not 5 to 17 characters
//	passport.bad_charset     error     a character other than a letter or digit
//	fpr.format               error     neither 3 letters + 12 digits nor 18 characters starting with 9
//	fpr.bad_date             error     2023 card: the birth date is not a real date
//	fpr.future_date          error     2023 card: the birth date is after today
//	fpr.checksum             error     2023 card: the MOD 11-2 check character does not match
//	fpr.area_unknown         warning   2023 card: the issuing-province digits are unknown
//	fpr.legacy_unverified    warning   old card: birth date or check digit breaks the commonly implemented layout
//
// The residence permits of HK/Macao/Taiwan residents are GB 11643 numbers and
// use the id.* codes for their date and check character.
package ident
