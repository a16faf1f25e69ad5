package report

func (s *site) qualityPage() (*page, error) {
	p := &page{Path: "quality.html", Title: s.c.T("nav.quality"), NavKey: "nav.quality"}
	type q struct {
		title, table string
		need         []string
		sql          string
		cols         []string
		cells        func(r row) []cell
	}
	qs := []q{
		{"dq.sources", "sources", []string{"source", "kind"}, `SELECT source, kind, watermark, updated_at FROM sources ORDER BY source`,
			[]string{"source", "kind", "watermark", "updated"}, func(r row) []cell {
				return []cell{textCell(r.str("source")), textCell(r.str("kind")), textCell(r.str("watermark")), textCell(s.formatTime(r.get("updated_at")))}
			}},
		{"dq.batches", "ingest_batches", []string{"batch_id", "source", "status"}, `SELECT * FROM ingest_batches ORDER BY batch_id DESC LIMIT 50`,
			[]string{"batch", "source", "file", "started_at", "batch_status", "rows_read", "inserted", "updated", "rejected", "warnings"}, func(r row) []cell {
				st := textCell(s.c.V(r.str("status")))
				if r.str("status") == "failed" {
					st.Class = "bad"
					st.Text += " " + r.str("error")
				}
				return []cell{s.countCell(r, "batch_id"), textCell(r.str("source")), textCell(r.str("file")), textCell(s.formatTime(r.get("started_at"))), st,
					s.countCell(r, "rows_read"), s.countCell(r, "inserted"), s.countCell(r, "updated"), s.countCell(r, "rejected"), s.countCell(r, "warnings")}
			}},
		{"dq.rejected", "rejected", []string{"source", "field", "reason", "severity"},
			`SELECT source, severity, field, reason, count(*) AS n FROM rejected GROUP BY ALL ORDER BY n DESC, source, field, reason`,
			[]string{"source", "severity", "field", "reason", "count"}, func(r row) []cell {
				return []cell{textCell(r.str("source")), textCell(s.c.V(r.str("severity"))), textCell(r.str("field")), textCell(r.str("reason")), s.countCell(r, "n")}
			}},
		{"dq.unknown", "mart.unknown_units", []string{"unit_id", "petitions"}, `SELECT * FROM mart.unknown_units ORDER BY petitions DESC, unit_id`,
			[]string{"unit_id", "petitions", "first_received", "last_received"}, func(r row) []cell {
				return []cell{textCell(r.str("unit_id")), s.countCell(r, "petitions"), textCell(r.str("first_received")), textCell(r.str("last_received"))}
			}},
	}
	for _, x := range qs {
		sec := &section{Title: s.c.T(x.title)}
		rows, err := s.src.query(x.table, x.need, x.sql)
		if err != nil {
			return nil, err
		}
		{
			t := &table{CSVName: x.table, Cols: s.cols(x.cols...), Empty: s.c.T("empty")}
			for _, r := range rows {
				t.Rows = append(t.Rows, x.cells(r))
			}
			sec.Tables = append(sec.Tables, t)
		}
		p.Sections = append(p.Sections, sec)
	}
	more, err := s.plausibilitySections()
	if err != nil {
		return nil, err
	}
	p.Sections = append(p.Sections, more...)
	return p, nil
}
