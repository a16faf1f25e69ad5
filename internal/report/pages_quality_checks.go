package report

import (
	"strconv"
)

// The data-quality page's plausibility and field-coverage sections (tables
// data_quality and field_coverage, written by ingest). Their labels live here, beside
// the only code that uses them.
var qualityCheckLabels = map[string][2]string{
	"title.checks":             {"合理性检查（按数据源）", "Plausibility checks by source"},
	"intro.checks":             {"日期互相矛盾的记录，常见原因是映射错误（两个字段映射到同一列、期限列含义不同）。", "Records whose dates contradict each other, usually a mapping mistake (two fields mapped to one column, a deadline column meaning something else)."},
	"title.coverage":           {"字段空白率（按数据源）", "Blank share of each mapped field by source"},
	"col.check":                {"检查", "check"},
	"col.rows":                 {"记录数", "records"},
	"col.of":                   {"适用记录", "of"},
	"col.share":                {"占比", "share"},
	"col.blank":                {"空白", "blank"},
	"col.field":                {"字段", "field"},
	"col.source":               {"数据源", "source"},
	"col.total":                {"记录数", "records"},
	"v.failing":                {"警告", "warning"},
	"v.ok":                     {"正常", "ok"},
	"col.status":               {"结果", "result"},
	"closed_before_received":   {"办结早于登记", "closed before received"},
	"due_before_received":      {"期限早于登记日", "deadline before the received day"},
	"accepted_before_received": {"受理早于登记日", "accepted before the received day"},
	"feedback_before_received": {"反馈早于登记日", "feedback before the received day"},
	"closed_equals_received":   {"办结时间全部等于登记时间", "every closure at the instant of receipt"},
}

func (s *site) qcl(key string) string {
	if m, ok := qualityCheckLabels[key]; ok {
		return m[s.c.idx]
	}
	return key
}

func (s *site) qcCols(keys ...string) []column {
	out := make([]column, len(keys))
	for i, k := range keys {
		out[i] = column{Label: s.qcl("col." + k), Num: k == "rows" || k == "of" || k == "share" || k == "blank" || k == "total"}
	}
	return out
}

// plausibilitySections lists the checks and field coverage; none when the
// database predates them.
func (s *site) plausibilitySections() ([]*section, error) {
	var out []*section
	share := func(n, d int64) cell {
		if d == 0 {
			return cell{Text: "-", Class: "num"}
		}
		v := float64(n) / float64(d)
		return cell{Text: strconv.FormatFloat(v*100, 'f', 1, 64) + "%", Sort: strconv.FormatFloat(v, 'g', -1, 64), Class: "num"}
	}
	count := func(r row, k string) cell {
		n, _ := r.get(k).(int64)
		return cell{Text: fmtInt(n), Sort: strconv.FormatInt(n, 10), Class: "num"}
	}
	rows, err := s.src.query("data_quality", []string{"source", "check_id", "rows", "total", "failing"},
		`SELECT source, check_id, rows, total, failing FROM data_quality ORDER BY source, check_id`)
	if err != nil {
		return nil, err
	}
	{
		sec := &section{Title: s.qcl("title.checks"), Intro: s.qcl("intro.checks")}
		t := &table{CSVName: "data_quality", Cols: s.qcCols("source", "check", "status", "rows", "of", "share"), Empty: s.c.T("empty")}
		for _, r := range rows {
			st := cell{Text: s.qcl("v.ok")}
			if f, _ := r.get("failing").(bool); f {
				st = cell{Text: s.qcl("v.failing"), Class: "bad"}
			}
			n, _ := r.get("rows").(int64)
			d, _ := r.get("total").(int64)
			t.Rows = append(t.Rows, []cell{textCell(r.str("source")), textCell(s.qcl(r.str("check_id"))), st, count(r, "rows"), count(r, "total"), share(n, d)})
		}
		sec.Tables = append(sec.Tables, t)
		out = append(out, sec)
	}
	rows, err = s.src.query("field_coverage", []string{"source", "field", "blank", "total"},
		`SELECT source, field, blank, total FROM field_coverage ORDER BY source, field`)
	if err != nil {
		return nil, err
	}
	{
		sec := &section{Title: s.qcl("title.coverage")}
		t := &table{CSVName: "field_coverage", Cols: s.qcCols("source", "field", "blank", "total", "share"), Empty: s.c.T("empty")}
		for _, r := range rows {
			n, _ := r.get("blank").(int64)
			d, _ := r.get("total").(int64)
			t.Rows = append(t.Rows, []cell{textCell(r.str("source")), textCell(r.str("field")), count(r, "blank"), count(r, "total"), share(n, d)})
		}
		sec.Tables = append(sec.Tables, t)
		out = append(out, sec)
	}
	return out, nil
}
