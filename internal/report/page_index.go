package report

import (
	"github.com/xinfang/xinfang/internal/archive"
	"strconv"
)

// indexPage is the home page: data freshness, the quarterly review's sections in an
// archive, links to every page and archive, and the unit directory.
func (s *site) indexPage() (*page, error) {
	outDir := s.liveDir
	p := &page{Path: "index.html", Title: s.siteTitle(), NavKey: "nav.index"}
	fresh := &section{Title: s.c.T("idx.freshness")}
	fresh.Cards = append(fresh.Cards, card{Label: s.c.T("idx.asof"), Value: s.asOf.Format("2006-01-02")})
	rows, err := s.src.query("ingest_batches", []string{"finished_at", "status"},
		`SELECT max(finished_at) AS t FROM ingest_batches WHERE status = 'ok'`)
	if err != nil {
		return nil, err
	}
	if len(rows) > 0 {
		v := "-"
		if t := rows[0].get("t"); t != nil {
			v = s.formatTime(t)
		}
		fresh.Cards = append(fresh.Cards, card{Label: s.c.T("idx.last_batch"), Value: v})
	}
	rows, err = s.src.query("petitions", []string{"received_date"},
		`SELECT max(received_date) AS d, count(*) AS n FROM petitions WHERE received_date <= CAST(? AS DATE)`, s.asOf.Format("2006-01-02"))
	if err != nil {
		return nil, err
	}
	if len(rows) > 0 {
		fresh.Cards = append(fresh.Cards, card{Label: s.c.T("idx.last_record"), Value: orDash(rows[0].str("d"))},
			card{Label: s.c.T("idx.records"), Value: fmtInt(rows[0].i("n"))})
	}
	fresh.Cards = append(fresh.Cards, card{Label: s.c.T("idx.units"), Value: fmtInt(int64(len(s.units)))},
		card{Label: s.c.T("idx.generated"), Value: s.now.In(s.cfg.Location()).Format("2006-01-02 15:04 -07:00")})
	p.Sections = append(p.Sections, fresh)
	if s.review != "" {
		rs, err := s.reviewSections()
		if err != nil {
			return nil, err
		}
		p.Sections = append(p.Sections, rs...)
	}
	nav := &section{Title: s.c.T("idx.pages")}
	for _, n := range navOrder[1:] {
		nav.Links = append(nav.Links, link{Href: n.file, Label: s.c.T(n.key)})
	}
	if s.cfg.Report.Xlsx {
		nav.Links = append(nav.Links, link{Href: "appraisal.xlsx", Label: s.c.T("xlsx")})
	}
	p.Sections = append(p.Sections, nav)
	if err := s.indexCampaignsAndAlerts(p); err != nil {
		return nil, err
	}
	if s.review == "" {
		arch := &section{Title: s.c.T("archive.title")}
		qs := archive.List(outDir)
		if len(qs) == 0 {
			arch.Missing = s.c.T("archive.none")
		}
		for _, q := range qs {
			arch.Links = append(arch.Links, link{Href: "archive/" + q + "/index.html", Label: s.sprintf("qr.title", q)})
		}
		p.Sections = append(p.Sections, arch)
	}
	// Unit directory: every unit page is reachable from here.
	t := &table{Title: s.c.T("nav.units"), CSVName: "units", Cols: s.cols("unit", "unit_id", "sector", "level", "parent"), Empty: s.c.T("empty")}
	t.Cols[4].Label = s.c.T("u.parent")
	// The whole system first, then the unit tree (indented by depth, siblings in pinyin
	// order).
	t.Rows = append(t.Rows, []cell{s.unitCell(p.Path, "ALL"), textCell("ALL"), {}, {}, {}})
	for _, id := range s.order {
		u := s.units[id]
		par := cell{}
		if u.Parent != "" {
			par = s.unitCell(p.Path, u.Parent)
		}
		name := s.unitCell(p.Path, id)
		if d := u.Depth; d > 0 {
			name.Class = "tree-d" + strconv.Itoa(min(d, 5))
		}
		t.Rows = append(t.Rows, []cell{name, textCell(id), textCell(s.c.V(u.Sector)), textCell(s.c.V(u.Level)), par})
	}
	p.Sections = append(p.Sections, &section{Tables: []*table{t}})
	return p, nil
}
