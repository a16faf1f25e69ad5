package report_test

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// Every page with two or more titled sections has a contents bar whose links all land
// on a section of the same page; the overview, timeliness and appraisal pages have one.
func TestContentsBar(t *testing.T) {
	needSetup(t)
	bar := regexp.MustCompile(`(?s)<nav class="toc"[^>]*>(.*?)</nav>`)
	href := regexp.MustCompile(`href="#([^"]+)"`)
	withBar := map[string]bool{}
	for _, p := range sitePages(t) {
		b, err := os.ReadFile(filepath.Join(testReports, filepath.FromSlash(p)))
		if err != nil {
			t.Fatal(err)
		}
		html := string(b)
		titled := strings.Count(html, "<section") - strings.Count(html, "<section>\n  \n")
		m := bar.FindStringSubmatch(html)
		if m == nil {
			if strings.Count(html, "<h2>") >= 2 {
				t.Errorf("%s: %d section titles (%d sections) and no contents bar", p, strings.Count(html, "<h2>"), titled)
			}
			continue
		}
		withBar[p] = true
		links := href.FindAllStringSubmatch(m[1], -1)
		if len(links) < 2 {
			t.Errorf("%s: contents bar with %d links", p, len(links))
		}
		for _, l := range links {
			if !strings.Contains(html, `<section id="`+l[1]+`"`) {
				t.Errorf("%s: contents link #%s has no section", p, l[1])
			}
		}
	}
	for _, p := range []string{"overview.html", "timeliness.html", "appraisal.html"} {
		if !withBar[p] {
			t.Errorf("%s: no contents bar", p)
		}
	}
	t.Logf("%d pages with a contents bar", len(withBar))
}
