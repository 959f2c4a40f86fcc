package advisor

import (
	"fmt"

	"github.com/beian/beian/internal/calendar"
	"github.com/beian/beian/internal/form"
)

// entityDocuments is the entity certificate by nature (Huawei Cloud https://github.com/huaweicloud/huaweicloud-skills/blob/master/skills/cdi/assist/huawei-cloud-icp-process-guidance/kb/procedures/备案材料咨询.md;
// http://www.foxcms.cn/help/problem/icpbeian/4.html).
var entityDocuments = map[string]Text{
	form.NatureGovernment: {"组织机构代码证书或统一社会信用代码证书",
		"organisation code certificate or unified social credit code certificate"},
	form.NaturePublicInstitution: {"事业单位法人证书（或组织机构代码证书）",
		"public institution legal person certificate (or organisation code certificate)"},
	form.NatureEnterprise: {"工商营业执照（统一社会信用代码）",
		"business licence (with the unified social credit code)"},
	form.NatureSocialOrganization: {"社会团体法人登记证书（或组织机构代码证书）",
		"social organisation legal person registration certificate (or organisation code certificate)"},
	form.NatureOther: {"相应的登记或执业证书：民办非企业单位登记证书、律师事务所执业许可证、医疗机构执业许可证、境外机构证等",
		"the matching registration or practice certificate: private non-enterprise unit, law firm, medical institution, foreign institution certificate, etc."},
}

// documents lists what to prepare for the entity type (Huawei Cloud https://github.com/huaweicloud/huaweicloud-skills/blob/master/skills/cdi/assist/huawei-cloud-icp-process-guidance/kb/procedures/备案材料咨询.md).
func documents(in Input, license bool) []Document {
	doc := func(stage, kind string, name Text, note *Text) Document {
		return Document{Stage: stage, Kind: kind, Name: name, Note: note}
	}
	var ds []Document
	personID := Text{"居民身份证", "PRC resident ID card"}
	if in.Foreign {
		personID = Text{"护照或外国人永久居留身份证（港澳台居民：往来内地通行证或居住证）",
			"passport or foreigner's permanent-residence ID (Hong Kong, Macao, Taiwan residents: their Mainland travel or residence permit)"}
	}
	if in.Nature == form.NatureIndividual {
		ds = append(ds,
			doc(StageFiling, "entity_principal_id", Text{"本人" + personID.ZH + "（正反面彩色扫描件或照片）", "your own " + personID.EN + " (colour scan or photo of both sides)"},
				&Text{"有效期须超过3个月；年满18周岁", "valid for more than 3 months; at least 18 years old"}),
			doc(StageFiling, "other", Text{"居住证（非身份证所在省份备案时）", "residence permit (when filing outside the province of the ID)"},
				&Text{"仅部分省份接受", "accepted in some provinces only"}),
		)
	} else {
		cert := entityDocuments[in.Nature]
		var note *Text
		if in.Foreign && in.Nature == form.NatureEnterprise {
			cert = Text{"大陆子公司（外商独资或合资企业）的营业执照，或外国企业常驻代表机构登记证",
				"business licence of the Mainland subsidiary (WFOE or joint venture), or the foreign enterprise representative office registration certificate"}
			note = &Text{"境外注册证书不被接受", "a certificate issued abroad is not accepted"}
		}
		ds = append(ds,
			doc(StageFiling, "business_license", cert, note),
			doc(StageFiling, "entity_principal_id", Text{"主体负责人（法定代表人）的" + personID.ZH, "the entity principal's (legal representative's) " + personID.EN},
				&Text{"有效期须超过3个月", "valid for more than 3 months"}),
			doc(StageFiling, "website_principal_id", Text{"网站负责人的" + personID.ZH, "the website principal's " + personID.EN},
				&Text{"网站负责人须为单位中实际管理网站的人员", "someone in the organisation who actually runs the site"}),
			doc(StageFiling, "authorization_letter", Text{"法人授权书", "authorisation letter from the legal representative"},
				&Text{"网站负责人不是法定代表人时", "when the website principal is not the legal representative"}),
		)
		if in.Nature == form.NatureGovernment {
			ds = append(ds, doc(StageFiling, "other", Text{"政府网站域名业务审核表", "government website domain review form"},
				&Text{"党政机关使用 .gov.cn 或 .政务 域名", "party and government bodies use .gov.cn or .政务 domains"}))
		}
		if in.Nature == form.NaturePublicInstitution {
			ds = append(ds, doc(StageFiling, "other", Text{"事业单位使用 .cn 或 .公益 域名", "public institutions use .cn or .公益 domains"}, nil))
		}
	}
	ds = append(ds,
		doc(StageFiling, "website_principal_photo", Text{"网站负责人人脸核验（接入商App）", "face verification of the website principal (provider app)"},
			&Text{"白色背景、光线均匀", "plain white background, even light"}),
		doc(StageFiling, "domain_certificate", Text{"域名证书（持有者为主办者，已实名认证）", "domain certificate (held by the filer, real-name verified)"}, nil),
		doc(StageFiling, "commitment_letter", Text{"《ICP备案信息真实性承诺书》和《ICP备案信息真实性责任告知书》", "ICP filing information authenticity commitment and responsibility notice"},
			&Text{"工信部64号文；由负责人签字", "MIIT document No. 64; signed by the principals"}),
		doc(StageFiling, "other", Text{"前置审批文件（新闻、出版、药品医疗器械、文化、广播电视、教育、医疗、金融、游戏等）", "prior approvals for regulated content (news, publishing, drugs and medical devices, culture, broadcasting, education, healthcare, finance, games, …)"},
			&Text{"仅涉及这些行业时", "only if the site covers these"}),
	)
	if license {
		ds = append(ds, doc(StageLicense, "other", Text{"ICP经营许可证申请材料（向省通信管理局提交，接入商不代办）", "ICP licence application to the provincial communications administration (providers do not handle it)"},
			&Text{"须已有ICP备案号", "the ICP filing number comes first"}))
	}
	account := Text{"法人账号（全国互联网安全管理服务平台 beian.mps.gov.cn）", "organisation (法人) account on beian.mps.gov.cn"}
	if in.Nature == form.NatureIndividual {
		account = Text{"个人账号（全国互联网安全管理服务平台 beian.mps.gov.cn，公安一网通办App实人认证）", "individual account on beian.mps.gov.cn (real-person check in the 公安一网通办 app)"}
	}
	ds = append(ds,
		doc(StagePSB, "other", account, nil),
		doc(StagePSB, "domain_certificate", Text{"域名证书（上传不超过400 KB）", "domain certificate (upload at most 400 KB)"}, nil),
		doc(StagePSB, "other", Text{"网站信息：开通日期、接入商、是否交互式、安全负责人和应急联系人", "site details: opening date, access provider, interactive or not, security officer and emergency contact"},
			&Text{"交互式网站（注册、评论、用户内容）需当面或现场核查", "interactive sites (sign-up, comments, user content) get an in-person or on-site check"}),
	)
	return ds
}

// timeline dates the steps of a Mainland filing from in.Start.
func timeline(in Input, cal *calendar.Calendar, license bool) []Step {
	start := in.Start
	provider := cal.AddBusinessDays(start, ProviderReviewBusinessDays)
	sms := provider.AddDays(SMSCalendarDays)
	authority := cal.AddBusinessDays(sms, AuthorityReviewBusinessDays)
	psb := authority.AddDays(PSBCalendarDays)
	steps := []Step{
		{Code: "submit", Date: start,
			Title: Text{"提交备案申请（材料齐全、域名已实名）", "submit the filing (documents ready, domain real-name verified)"},
			Basis: Text{"开始日期", "the start date"}},
		{Code: "provider_review", Date: provider, Deadline: true,
			Title: Text{"接入商初审完成（审核员会电话联系负责人）", "provider review done (the reviewer phones the principals)"},
			Basis: Text{fmt.Sprintf("%s起%d个工作日", start, ProviderReviewBusinessDays), fmt.Sprintf("%d business days after %s", ProviderReviewBusinessDays, start)}},
		{Code: "sms_verification", Date: sms, Deadline: true,
			Title: Text{"工信部短信核验（24小时内，最多错5次）", "MIIT SMS verification (within 24 hours, at most 5 wrong tries)"},
			Basis: Text{"初审通过后24小时", "24 hours after the provider review"}},
		{Code: "authority_review", Date: authority, Deadline: true,
			Title: Text{"管局审核通过，取得ICP备案号", "administration approves: ICP filing number issued"},
			Basis: Text{fmt.Sprintf("短信核验后最多%d个工作日", AuthorityReviewBusinessDays), fmt.Sprintf("at most %d business days after the SMS check", AuthorityReviewBusinessDays)}},
		{Code: "go_live", Date: authority,
			Title: Text{"网站上线，首页底部显示备案号并链接到 beian.miit.gov.cn", "site goes live with the filing number in the footer, linked to beian.miit.gov.cn"},
			Basis: Text{"取得备案号后", "once the filing number is issued"}},
		{Code: "psb_filing", Date: psb, Deadline: true,
			Title: Text{"公安联网备案截止（上线后30日内）", "PSB filing due (within 30 days of going live)"},
			Basis: Text{fmt.Sprintf("上线日%s起%d天", authority, PSBCalendarDays), fmt.Sprintf("%d days after going live on %s", PSBCalendarDays, authority)}},
	}
	if license {
		steps = append(steps, Step{Code: "icp_license", Date: authority.AddDays(LicenseCalendarDays),
			Title: Text{"预计取得ICP经营许可证；此前不得开展经营性业务", "ICP licence expected; no commercial operation before it"},
			Basis: Text{fmt.Sprintf("取得备案号后约%d天", LicenseCalendarDays), fmt.Sprintf("about %d days after the filing number", LicenseCalendarDays)}})
	}
	return steps
}
