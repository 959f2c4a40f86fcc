// Package appinfo validates the filing data of Apps, mini-programs and quick
// apps, which MIIT has required to be filed since 2023-09-01
// (《工业和信息化部关于开展移动互联网应用程序备案工作的通知》,
// https://www.miit.gov.cn/zwgk/zcwj/wjfb/tz/art/2023/art_920db564162e4312916a01bed6540ad8.html):
//
//   - App: name, icon (ValidateIcon: at most 100 KB, PNG or JPEG by its
//     bytes), languages, content types, pre-approvals, remarks, third-party
//     SDKs, domains, principal, and per platform the package name / bundle
//     ID, signing public key and certificate fingerprint (its server IPs,
//     access.ips like any service's, are package rules' to check against
//     the provider's ranges);
//   - mini-program and quick app: name, platform, app ID by the platform's
//     rule, a 20–200 character service description, content types,
//     pre-approvals, principal;
//   - pre-approvals (前置审批) of every service, with expiry judged on a
//     date the caller passes, and the province rules, as data
//     (provinces/commitments.json), for when "none applies" needs a signed
//     commitment;
//   - the principal additions: emergency contact phone and the legal
//     representative when the principal is someone else.
//
// The codes, labels and platform rules come from package vocab; nothing
// here reads a clock, a file outside the binary or a store, so a Checker is
// a pure function of its input. Every finding has a stable code and both a
// Chinese and an English message naming the field; the parsers
// (ParsePackageName, ParseAppID, ParseFingerprint, ParseSigningKey,
// ParseMobile) return *Error with the same code and messages.
//
// The data types (the service with its app, mini_program and quick_app
// blocks, pre-approvals, the principal's additions) are package form's:
// this package checks form values, so every operation carries them as
// the one content model.
package appinfo
