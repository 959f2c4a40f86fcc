package ident

// The registration-authority and category codes of GB 32100-2015 (positions 1
// and 2), with the authorities added after 2015 (外交, 司法行政, 文化, 旅游,
// 宗教, 工会, 中央军委改革和编制办公室, 农业) as published with the standard's
// code tables and reproduced by the major validators.

// usccCategories lists, for each registration authority code, the category
// codes valid under it (all digits); "" marks an unknown authority. It must
// agree with CategoryLabel (TestLabels checks); ParseUSCC uses it, through
// usccCategoryMask, because a table lookup is cheaper than the label switches.
var usccCategories = [256]string{
	'1': "1239", '2': "19", '3': "123459", '4': "19", '5': "1239", '6': "129",
	'7': "129", '8': "19", '9': "123", 'A': "19", 'N': "1239", 'Y': "1",
}

// usccCategoryMask is usccCategories as bit sets: bit d is set when the digit
// d is a category of the authority; 0 marks an unknown authority.
var usccCategoryMask = func() (m [256]uint16) {
	for a, cats := range usccCategories {
		for i := 0; i < len(cats); i++ {
			m[a] |= 1 << (cats[i] - '0')
		}
	}
	return m
}()

// AuthorityLabel returns the Chinese and English names of a registration
// authority code (USCC position 1); ok is false for an unknown code.
func AuthorityLabel(a byte) (zh, en string, ok bool) {
	switch a {
	case '1':
		return "机构编制", "public-sector establishment office", true
	case '2':
		return "外交", "foreign affairs", true
	case '3':
		return "司法行政", "judicial administration", true
	case '4':
		return "文化", "culture", true
	case '5':
		return "民政", "civil affairs", true
	case '6':
		return "旅游", "tourism", true
	case '7':
		return "宗教", "religious affairs", true
	case '8':
		return "工会", "trade unions", true
	case '9':
		return "工商（市场监管）", "industry and commerce (market regulation)", true
	case 'A':
		return "中央军委改革和编制办公室", "Central Military Commission reform and establishment office", true
	case 'N':
		return "农业", "agriculture and rural affairs", true
	case 'Y':
		return "其他", "other", true
	}
	return "", "", false
}

// CategoryLabel returns the Chinese and English names of organisation
// category c (USCC position 2) under registration authority a; ok is false
// when c is not a category of a.
func CategoryLabel(a, c byte) (zh, en string, ok bool) {
	other := func() (string, string, bool) { return "其他", "other", true }
	switch a {
	case '1':
		switch c {
		case '1':
			return "机关", "government body", true
		case '2':
			return "事业单位", "public institution", true
		case '3':
			return "中央编办直接管理机构编制的群众团体", "mass organisation under the central establishment office", true
		case '9':
			return other()
		}
	case '2':
		switch c {
		case '1':
			return "外国常驻新闻机构", "resident foreign news agency", true
		case '9':
			return other()
		}
	case '3':
		switch c {
		case '1':
			return "律师执业机构", "law firm", true
		case '2':
			return "公证处", "notary office", true
		case '3':
			return "基层法律服务所", "grassroots legal service office", true
		case '4':
			return "司法鉴定机构", "forensic appraisal institution", true
		case '5':
			return "仲裁委员会", "arbitration commission", true
		case '9':
			return other()
		}
	case '4':
		switch c {
		case '1':
			return "外国在华文化中心", "foreign cultural centre in China", true
		case '9':
			return other()
		}
	case '5':
		switch c {
		case '1':
			return "社会团体", "social organisation", true
		case '2':
			return "民办非企业单位", "private non-enterprise unit", true
		case '3':
			return "基金会", "foundation", true
		case '9':
			return other()
		}
	case '6':
		switch c {
		case '1':
			return "外国旅游部门常驻代表机构", "resident office of a foreign tourism authority", true
		case '2':
			return "港澳台地区旅游部门常驻内地（大陆）代表机构", "resident office of a Hong Kong, Macao or Taiwan tourism authority", true
		case '9':
			return other()
		}
	case '7':
		switch c {
		case '1':
			return "宗教活动场所", "place of religious activity", true
		case '2':
			return "宗教院校", "religious school", true
		case '9':
			return other()
		}
	case '8':
		switch c {
		case '1':
			return "基层工会", "grassroots trade union", true
		case '9':
			return other()
		}
	case '9':
		switch c {
		case '1':
			return "企业", "enterprise", true
		case '2':
			return "个体工商户", "individual business", true
		case '3':
			return "农民专业合作社", "farmers' specialised cooperative", true
		}
	case 'A':
		switch c {
		case '1':
			return "军队事业单位", "military public institution", true
		case '9':
			return other()
		}
	case 'N':
		switch c {
		case '1':
			return "组级集体经济组织", "group-level rural collective economic organisation", true
		case '2':
			return "村级集体经济组织", "village-level rural collective economic organisation", true
		case '3':
			return "乡镇级集体经济组织", "township-level rural collective economic organisation", true
		case '9':
			return other()
		}
	case 'Y':
		if c == '1' {
			return other()
		}
	}
	return "", "", false
}
