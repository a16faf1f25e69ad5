package synthetic

import (
	"math/rand/v2"
	"strconv"
)

// Unit is one row of the unit table (SPEC §2).
type Unit struct {
	ID       string
	Name     string
	ParentID string // "" for the ministry
	Level    string // ministry | province | city | county | facility
	Sector   string // bureau | prison | rehab | community_correction | lawyer | notary | forensic | legal_aid | mediation | other
	Staff    int

	parent int // index of the parent in the slice, -1 for the root
	prov   int // province index (0-based), -1 for ministry-level units
}

// Sectors lists the SPEC §2 unit sectors.
var Sectors = []string{"bureau", "prison", "rehab", "community_correction", "lawyer", "notary", "forensic", "legal_aid", "mediation", "other"}

type provinceDef struct {
	name, short string // 江苏省, 江苏
	code        string // first 4 digits of the ID-card region code (province + capital city)
	cities      []cityDef
	prisons     []string // province-level prisons (监狱管理局 facilities)
}

type cityDef struct {
	name     string // 南京市
	counties []string
}

// The tree is fixed (independent of the seed) so that unit ids are stable across runs.
var provinceDefs = []provinceDef{
	{"江苏省", "江苏", "3201", []cityDef{
		{"南京市", []string{"江宁区", "浦口区"}}, {"苏州市", []string{"昆山市", "常熟市"}}, {"无锡市", []string{"江阴市"}},
		{"徐州市", []string{"沛县", "邳州市"}}, {"南通市", []string{"如皋市"}}, {"扬州市", []string{"高邮市"}},
	}, []string{"苏州监狱", "南京监狱", "洪泽湖监狱", "江苏省女子监狱"}},
	{"浙江省", "浙江", "3301", []cityDef{
		{"杭州市", []string{"余杭区", "桐庐县"}}, {"宁波市", []string{"慈溪市", "余姚市"}}, {"温州市", []string{"瑞安市", "乐清市"}},
		{"金华市", []string{"义乌市"}}, {"绍兴市", []string{"诸暨市"}},
	}, []string{"浙江省第一监狱", "浙江省第二监狱", "乔司监狱", "浙江省女子监狱"}},
	{"广东省", "广东", "4401", []cityDef{
		{"广州市", []string{"番禺区", "花都区"}}, {"深圳市", []string{"宝安区", "龙岗区"}}, {"东莞市", nil},
		{"佛山市", []string{"南海区", "顺德区"}}, {"汕头市", []string{"潮阳区"}}, {"湛江市", []string{"雷州市"}},
	}, []string{"广州监狱", "番禺监狱", "韶关监狱", "广东省女子监狱", "高明监狱"}},
	{"山东省", "山东", "3701", []cityDef{
		{"济南市", []string{"章丘区", "平阴县"}}, {"青岛市", []string{"黄岛区", "即墨区"}}, {"烟台市", []string{"龙口市"}},
		{"潍坊市", []string{"寿光市", "诸城市"}}, {"临沂市", []string{"兰陵县", "沂水县"}},
	}, []string{"山东省监狱", "济南监狱", "潍北监狱", "鲁南监狱"}},
	{"河南省", "河南", "4101", []cityDef{
		{"郑州市", []string{"中牟县", "新郑市"}}, {"洛阳市", []string{"偃师区", "孟津区"}}, {"开封市", []string{"兰考县"}},
		{"南阳市", []string{"邓州市", "镇平县"}}, {"新乡市", []string{"长垣市"}},
	}, []string{"河南省第一监狱", "郑州监狱", "豫南监狱", "河南省女子监狱"}},
	{"四川省", "四川", "5101", []cityDef{
		{"成都市", []string{"双流区", "郫都区"}}, {"绵阳市", []string{"江油市"}}, {"南充市", []string{"阆中市"}},
		{"宜宾市", []string{"江安县"}}, {"泸州市", []string{"合江县"}}, {"达州市", []string{"宣汉县"}},
	}, []string{"成都监狱", "锦江监狱", "川西监狱", "四川省女子监狱"}},
	{"湖北省", "湖北", "4201", []cityDef{
		{"武汉市", []string{"江夏区", "黄陂区"}}, {"宜昌市", []string{"宜都市"}}, {"襄阳市", []string{"枣阳市"}},
		{"荆州市", []string{"洪湖市", "监利市"}}, {"黄冈市", []string{"麻城市"}},
	}, []string{"武汉监狱", "汉阳监狱", "沙洋监狱", "湖北省女子监狱"}},
	{"湖南省", "湖南", "4301", []cityDef{
		{"长沙市", []string{"长沙县", "浏阳市"}}, {"株洲市", []string{"醴陵市"}}, {"衡阳市", []string{"耒阳市", "衡阳县"}},
		{"岳阳市", []string{"汨罗市"}}, {"常德市", []string{"澧县"}},
	}, []string{"长沙监狱", "赤山监狱", "星城监狱", "湖南省女子监狱"}},
}

// facilityDef is a facility kind attached under a province or a city.
type facilityDef struct {
	sector string
	suffix string // appended to the province/city name
	staff  [2]int // min, max
}

var provinceFacilities = []facilityDef{
	{"rehab", "第一强制隔离戒毒所", [2]int{120, 260}},
	{"rehab", "女子强制隔离戒毒所", [2]int{60, 140}},
	{"legal_aid", "法律援助中心", [2]int{20, 50}},
	{"forensic", "司法鉴定科学研究所", [2]int{30, 90}},
	{"lawyer", "律师协会", [2]int{15, 40}},
	{"notary", "公证协会", [2]int{8, 20}},
	{"other", "司法警官职业学院", [2]int{150, 300}},
}

var cityFacilities = []facilityDef{
	{"community_correction", "社区矫正管理局", [2]int{20, 80}},
	{"legal_aid", "法律援助中心", [2]int{10, 30}},
	{"notary", "公证处", [2]int{15, 45}},
	{"forensic", "司法鉴定所", [2]int{8, 25}},
	{"lawyer", "律师协会", [2]int{6, 20}},
	{"mediation", "人民调解委员会", [2]int{5, 15}},
	{"rehab", "强制隔离戒毒所", [2]int{40, 120}},
}

// buildUnits returns the unit tree in a stable order (parents before children).
func buildUnits() []Unit {
	r := rand.New(rand.NewPCG(20060401, 1)) // fixed: staff counts do not depend on Params.Seed
	between := func(lo, hi int) int { return lo + r.IntN(hi-lo+1) }
	us := []Unit{{ID: "MOJ", Name: "司法部", Level: "ministry", Sector: "bureau", Staff: 320, parent: -1, prov: -1}}
	add := func(u Unit) int { us = append(us, u); return len(us) - 1 }
	// Ministry-level facilities.
	add(Unit{ID: "MOJF01", Name: "司法部燕城监狱", ParentID: "MOJ", Level: "facility", Sector: "prison", Staff: between(300, 500), parent: 0, prov: -1})
	add(Unit{ID: "MOJF02", Name: "司法部司法鉴定科学研究院", ParentID: "MOJ", Level: "facility", Sector: "forensic", Staff: between(150, 250), parent: 0, prov: -1})
	add(Unit{ID: "MOJF03", Name: "司法部法律援助中心", ParentID: "MOJ", Level: "facility", Sector: "legal_aid", Staff: between(40, 80), parent: 0, prov: -1})
	for pi, pd := range provinceDefs {
		pid := "P" + pad2(pi+1)
		p := add(Unit{ID: pid, Name: pd.name + "司法厅", ParentID: "MOJ", Level: "province", Sector: "bureau", Staff: between(120, 220), parent: 0, prov: pi})
		f := 0
		for _, name := range pd.prisons {
			f++
			add(Unit{ID: pid + "F" + pad2(f), Name: name, ParentID: pid, Level: "facility", Sector: "prison", Staff: between(300, 900), parent: p, prov: pi})
		}
		for _, fd := range provinceFacilities {
			f++
			add(Unit{ID: pid + "F" + pad2(f), Name: pd.name + fd.suffix, ParentID: pid, Level: "facility", Sector: fd.sector, Staff: between(fd.staff[0], fd.staff[1]), parent: p, prov: pi})
		}
		for ci, cd := range pd.cities {
			cid := pid + "C" + pad2(ci+1)
			c := add(Unit{ID: cid, Name: cd.name + "司法局", ParentID: pid, Level: "city", Sector: "bureau", Staff: between(40, 110), parent: p, prov: pi})
			for ki, kn := range cd.counties {
				add(Unit{ID: cid + "K" + pad2(ki+1), Name: kn + "司法局", ParentID: cid, Level: "county", Sector: "bureau", Staff: between(15, 45), parent: c, prov: pi})
			}
			for fi, fd := range cityFacilities {
				// Not every city runs every facility kind; the first three always exist.
				if fi >= 3 && r.IntN(4) == 0 {
					continue
				}
				add(Unit{ID: cid + "F" + pad2(fi+1), Name: cd.name + fd.suffix, ParentID: cid, Level: "facility", Sector: fd.sector, Staff: between(fd.staff[0], fd.staff[1]), parent: c, prov: pi})
			}
		}
	}
	return us
}

func pad2(n int) string {
	if n < 10 {
		return "0" + strconv.Itoa(n)
	}
	return strconv.Itoa(n)
}
