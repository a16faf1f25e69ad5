package report

import "strconv"

// contents is the page's contents bar: a link to each titled section, in page order.
// A titled section without an id gets "sec-N" (its position) so the link has an
// anchor; a page with fewer than two titled sections gets no bar.
func contents(p *page) []navItem {
	var out []navItem
	for i, sec := range p.Sections {
		if sec == nil || sec.Title == "" {
			continue
		}
		if sec.ID == "" {
			sec.ID = "sec-" + strconv.Itoa(i+1)
		}
		out = append(out, navItem{Href: "#" + sec.ID, Label: sec.Title})
	}
	if len(out) < 2 {
		return nil
	}
	return out
}
