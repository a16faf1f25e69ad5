package report

// directory is the unit table as the pages name and link units: names, pages, the
// tree order of the unit directory, and the labels of the whole system and of a unit
// the table does not know.
type directory struct {
	units        map[string]*unitInfo
	order        []string // unit ids in tree order (treeOrder)
	allLabel     string   // 全系统 / Whole system
	unknownLabel string
}

func (d *directory) unitCell(from, id string) cell {
	if u, ok := d.units[id]; ok {
		return cell{Text: u.Name, Href: rel(from, u.File), Sort: ""}
	}
	if id == "ALL" {
		return cell{Text: d.allLabel, Href: rel(from, "overview.html")}
	}
	return cell{Text: id + " (" + d.unknownLabel + ")"}
}

func (d *directory) unitName(id string) string {
	if u, ok := d.units[id]; ok {
		return u.Name
	}
	if id == "ALL" {
		return d.allLabel
	}
	return id
}

// chartLabels gives each unit a unique chart label (name, plus id when two units
// share a name) and the label -> page map for clicks.
func (d *directory) chartLabels(from string, ids []string) ([]string, map[string]string) {
	seen := map[string]int{}
	for _, id := range ids {
		seen[d.unitName(id)]++
	}
	labels := make([]string, len(ids))
	links := map[string]string{}
	for i, id := range ids {
		l := d.unitName(id)
		if seen[l] > 1 {
			l += " [" + id + "]"
		}
		labels[i] = l
		if u, ok := d.units[id]; ok {
			links[l] = rel(from, u.File)
		}
	}
	return labels, links
}
