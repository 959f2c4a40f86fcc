// Package rules holds the checks an application gets before anyone reviews
// it (beian's own design: every application is checked before a reviewer
// sees it): the
// website-name rules, and Check, which runs every rule over an application's
// content and reports findings with a stable code, a severity (error blocks
// submission, warning reaches the reviewer), both messages and the JSON path
// of the field. The checks are pure: whatever needs the database (domains and
// entities already filed, documents uploaded) comes in through Facts.
//
// Per-province differences are data, not code: provinces/provinces.json holds
// one entry per province (all 31) with the cases the providers publish, chiefly
// Huawei Cloud's per-administration notes
// https://github.com/huaweicloud/huaweicloud-skills/blob/master/skills/cdi/assist/huawei-cloud-icp-process-guidance/kb/topics/备案管局咨询.md
// (cross-province individuals with a residence permit, minimum
// age, caps per order, extra documents such as Guangdong's commitment letter,
// entity principal = legal representative, foreign principals, domain
// validity), each rule with its source. An operator replaces or extends it
// with LoadRuleSet; adding a province rule needs no code change.
//
// # Codes
//
// Codes do not depend on the position of the value: the same code is used for
// the entity principal and a website principal, and Field tells them apart
// ("entity.principal.id_number", "websites[0].principal.phone").
//
// Website name (SiteName, ValidateSiteName; in Check with Field "websites[i].name").
// Sources: [HW-mat] https://github.com/huaweicloud/huaweicloud-skills/blob/master/skills/cdi/assist/huawei-cloud-icp-process-guidance/kb/procedures/备案材料咨询.md,
// [HW-rej] https://github.com/huaweicloud/huaweicloud-skills/blob/master/skills/cdi/assist/huawei-cloud-icp-process-guidance/kb/faq/备案驳回咨询.md,
// [TX-name] https://intl.cloud.tencent.com/document/product/1022/31666,
// [QC-limit] https://github.com/yunify/qingcloud-docs/blob/master/content/site/record/intro/limit.md;
// "beian" marks beian's own rule:
//
//	| code | severity | when | source |
//	|---|---|---|---|
//	| `sitename.empty` | error | the name is empty | beian |
//	| `sitename.too_short` | error | fewer than 3 characters (spaces not counted) | [HW-mat], [TX-name] |
//	| `sitename.too_long` | error | more than 100 characters | sanity bound, unsourced |
//	| `sitename.symbol` | error | a character that is not a letter, digit, space or middle dot | [HW-mat] "no special symbols" |
//	| `sitename.digits_only` | error | only digits | [HW-mat], [TX-name] |
//	| `sitename.latin_only` | error | only Latin letters, or Latin letters and digits | [TX-name] "not pure English letters" |
//	| `sitename.no_chinese` | warning | letters of another script and no Chinese character | derived from [TX-name] |
//	| `sitename.is_domain` | error | the name is the domain (ASCII or Unicode, with or without www., or its first label) | [HW-mat] 不得直接以网站域名命名 |
//	| `sitename.sensitive_word` | error | 赌博, 博彩, 色情, 淫秽, 毒品 | [HW-rej] "no sensitive words" |
//	| `sitename.reserved_word` | error | 中国/中华/国家/中央/人民/人大 (and traditional forms), 反腐/廉政/纪检/监察/信访/维权/投诉, nature not government | beian, [HW-mat]; [HW-rej] |
//	| `sitename.reserved_word_state` | warning | the same words, nature government: only national-level bodies may use them | [HW-mat] |
//	| `sitename.commercial_word` | error | individual: 公司, 企业, 集团, 组织, 工作室, 官网, 官方, 商城, 商店, 服务, 中心, 咨询, 投资, 贸易, 传媒, 导航, 论坛, 社区, 营销, 交易, 购物 | [TX-name], [QC-limit], province lists |
//	| `sitename.discouraged_word` | warning | individual: 博客, 在线, 交流 (refused by QingCloud only) | [QC-limit] |
//	| `sitename.long` | warning | individual: more than 10 characters | [HW-mat] (Huawei suggests 3–10) |
//	| `nature.unknown` | error | the nature is not one of form.Natures (Field "nature", or "entity.nature" in Check) | beian |
//
// Application (Check):
//
//	| code | severity | when |
//	|---|---|---|
//	| `required` | error | a field the operation needs is empty; Field names it |
//	| `operation.unknown` | error | Facts.Operation is not one of Operations |
//	| `operation.entity_filed` | error | first_filing for an entity already filed (Facts.EntityFiled or entity_number): use new_website / new_access |
//	| `operation.entity_not_filed` | error | an operation on a filed entity without entity_number and without Facts.EntityFiled |
//	| `license.enterprise_only` | error | commercial_license for a nature other than enterprise |
//	| `certificate.type_mismatch` | error | an individual without a personal ID as certificate, or an organisation with one |
//	| `certificate.type_unknown` | warning | an organisation certificate type outside OrgCertificateTypes |
//	| `certificate.not_uscc` | warning | a non-enterprise organisation whose number is not an 18-character USCC |
//	| `province.unknown` | error | entity.province is not a Mainland province |
//	| `province.address_mismatch` | error | entity.address starts with (or names) another province |
//	| `province.id_mismatch` | error | individual: the resident ID is from another province and the province takes no residence permit |
//	| `province.residence_permit` | warning | the same where the province takes a residence permit: the reviewer checks it |
//	| `province.uscc_mismatch` | warning | the USCC's registration region is another province (a company that moved keeps its code) |
//	| `individual.principal_not_self` | error | individual: the entity principal's ID number or name differs from the entity's |
//	| `individual.foreign_not_allowed` | error | individual with a passport or foreign PR ID where the province refuses foreigners |
//	| `principal.legal_representative` | warning | organisation, province requires the legal representative as entity principal: the reviewer compares |
//	| `principal.underage` | error | individual: the principal's age (from the resident ID) is below the province's minimum (18 by default) |
//	| `principal.name_not_chinese` | error | a resident-ID holder's name is not in Chinese characters |
//	| `principal.mainland_id_required` | error | the province requires the entity principal to hold a PRC resident ID |
//	| `principal.phone_shared` | error | two different principals (by ID number) have the same mobile |
//	| `principal.email_shared` | error | two different principals have the same e-mail |
//	| `id.bad_type` | error | id_type is not one of form.IDTypes (same code as package ident) |
//	| `id.expiry_missing` | warning | id_expiry is empty: the reviewer reads it from the document |
//	| `id.expiry_format` | error | id_expiry is neither YYYY-MM-DD nor 长期/long-term |
//	| `id.expired` | error | the ID has expired |
//	| `id.expiring` | error | the ID expires within 3 months |
//	| `phone.format` | error | not a Mainland mobile 1[3-9]xxxxxxxxx (+86 and separators allowed) |
//	| `phone.in_province` | warning | individual, province requires an in-province mobile: the reviewer checks |
//	| `email.format` | error | not a bare address with a dotted domain |
//	| `domain.duplicate` | error | the same registrable domain twice in one application |
//	| `domain.already_filed` | error | first_filing/new_website with a domain in Facts.FiledDomains: use new_access / change_website |
//	| `domain.public_body_suffix` | warning | government not under .gov.cn/.政务, public institution not under .cn/.公益 ([HW-mat]) |
//	| `domain.holder_mismatch` | error | the domain's holder differs from the entity name (width and spaces ignored) |
//	| `domain.holder_unverified` | warning | no holder given: the reviewer checks the domain certificate |
//	| `domain.expires_format` | error | the domain's expires is not a date |
//	| `domain.expired` | error | the domain has expired |
//	| `domain.expiring` | error | the domain expires within the province's domain_expiry_months |
//	| `domain.expiring_soon` | warning | the domain expires within 3 months where the province sets no rule |
//	| `website.home_url_format` | error | home_url is not an http(s) URL |
//	| `website.home_url_domain` | error | home_url is not under one of the website's domains |
//	| `access.ip_format` | error | an access IP does not parse |
//	| `access.ip_not_public` | error | an access IP is private, loopback, link-local or otherwise not public |
//	| `access.ip_not_provider` | error | an access IP is outside every address range the access provider declared (checked only when it declared some) |
//	| `order.too_many_websites` | error | more websites than a province cap allows per order |
//	| `order.too_many_domains` | error | more domains than a province cap allows per order |
//	| `website.too_many_domains` | error | more domains on one website than a province cap allows |
//	| `document.required` | warning | a province's extra document (Facts.Documents lacks its kind) |
//	| `service.type_unknown` | error | service_type is not website, app, mini_program or quick_app |
//	| `service.type_not_accepted` | error | the operation's descriptor does not list the service type |
//	| `service.type_number_mismatch` | error | the service's number carries another type's letter (…号-2A on a website) |
//	| `principal.legal_representative_province` | error | organisation, province requires the legal representative as entity principal, and the entity principal says they are not |
//
// Apps, mini-programs and quick apps (service_type app, mini_program,
// quick_app) are checked by package appinfo, whose codes pass through with
// the service's path in front (`websites[1].app.platforms[0].fingerprint`:
// `fingerprint.format`; `websites[2].mini_program.app_id`: `app_id.format`;
// `websites[1].pre_approvals[0].valid_to`: `preapproval.expired`); their
// domains are the hosts they call, so the website domain rules (filed
// elsewhere, holder, caps) do not apply to them. Their server IPs
// (access.ips) are checked like a website's (`access.*`) and required on
// the operations that place them on the provider's network (first filing,
// new service, new access). Every principal's
// emergency phone and legal-representative block are checked by appinfo
// too (`principal.emergency_phone_*`, `principal.legal_representative_*`,
// `legal_representative.*`), and required of the service principals and
// of the entity principal of an order with such a service.
//
// Passed through unchanged from the validators they come from, with Field set:
// package ident (`id.*` such as `id.checksum`, `id.county_unknown` (warning),
// `uscc.*` such as `uscc.checksum` and `uscc.checksum_exception` (warning),
// `org.*`, `hkmo.*`, `tw.*`, `passport.*`, `fpr.*`) for principals' IDs and
// certificate numbers, and package hostname (`domain.empty`, `domain.bad_label`,
// `domain.unknown_tld`, `domain.public_suffix`, `domain.tld_not_approved`
// (warning: the embedded MIIT list is a dated snapshot), `domain.private_suffix`,
// `domain.subdomain` (warnings) …) for domains.
package rules
