package brief

// A minimal WordprocessingML (DOCX) writer: only what a 情况通报 needs — styled
// paragraphs, tables, two footers with a PAGE field, A4 page setup. Hand-written
// because no maintained, freely licensed Go DOCX library sets the East Asian font of
// a run or writes footer parts (docs/BRIEF.md). Every piece of text goes
// through clean and xml.EscapeText, so data never becomes markup.

import (
	"archive/zip"
	"encoding/xml"
	"fmt"
	"io"
	"sort"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Page geometry of GB/T 9704-2012 in twips (1 mm = 56.7 twips): A4, top 37 mm,
// bottom 35 mm, left 28 mm, right 26 mm, leaving a 156 mm × 225 mm text area.
const (
	pageW, pageH                        = 11906, 16838
	marTop, marBottom, marLeft, marRght = 2098, 1984, 1587, 1474
	textWidth                           = pageW - marLeft - marRght
)

// maxCellRunes cuts very long values (a 1,000-character unit name) in the document;
// the marts keep them whole.
const maxCellRunes = 120

// Fonts by role. Word and WPS look the name up first and then the altName from
// fontTable.xml; LibreOffice falls back through fontconfig (Noto CJK on Debian).
// Nothing is embedded: these fonts' licences do not allow redistribution.
var fonts = []struct{ name, alt, family string }{
	{"方正小标宋简体", "宋体", "roman"},    // title (小标宋)
	{"仿宋_GB2312", "仿宋", "modern"}, // body
	{"黑体", "SimHei", "modern"},    // 一、 headings, table heads
	{"楷体_GB2312", "楷体", "modern"}, // （一） headings
	{"宋体", "SimSun", "roman"},     // page numbers
}

type run struct {
	text  string
	bold  bool
	color string // hex RGB, "" = automatic
	size  int    // half-points, 0 = the style's
}

type docx struct {
	body strings.Builder
}

// clean makes any string safe and sensible as document text: invalid UTF-8 dropped,
// line breaks and tabs made spaces, other control characters (C0, DEL, C1) and
// non-characters dropped, and the result cut to max runes (0 = no limit).
func clean(s string, max int) string {
	s = strings.ToValidUTF8(s, "")
	var b strings.Builder
	n := 0
	for _, r := range s {
		switch {
		case r == '\t' || r == '\n' || r == '\r':
			r = ' '
		case r < 0x20 || (r >= 0x7f && r <= 0x9f) || r == 0xfffe || r == 0xffff || r == utf8.RuneError:
			continue
		case !unicode.IsPrint(r) && !unicode.IsSpace(r) && !unicode.Is(unicode.Co, r):
			continue
		}
		if max > 0 && n == max {
			b.WriteString("…")
			break
		}
		b.WriteRune(r)
		n++
	}
	return b.String()
}

func esc(s string) string {
	var b strings.Builder
	_ = xml.EscapeText(&b, []byte(s)) // writes to a strings.Builder never fail
	return b.String()
}

func attr(s string) string { return esc(s) } // EscapeText also escapes quotes

func (d *docx) runs(rs []run) {
	for _, r := range rs {
		d.body.WriteString("<w:r>")
		if r.bold || r.color != "" || r.size > 0 {
			d.body.WriteString("<w:rPr>")
			if r.bold {
				d.body.WriteString("<w:b/>")
			}
			if r.color != "" {
				d.body.WriteString(`<w:color w:val="` + attr(r.color) + `"/>`)
			}
			if r.size > 0 {
				d.body.WriteString(fmt.Sprintf(`<w:sz w:val="%d"/><w:szCs w:val="%d"/>`, r.size, r.size))
			}
			d.body.WriteString("</w:rPr>")
		}
		d.body.WriteString(`<w:t xml:space="preserve">` + esc(clean(r.text, 0)) + "</w:t></w:r>")
	}
}

// pPrOrder is the element sequence of w:pPr (ECMA-376 CT_PPrBase): Word rejects a
// document whose paragraph properties are out of this order, LibreOffice does not.
var pPrOrder = []string{"pStyle", "keepNext", "keepLines", "pageBreakBefore", "framePr", "widowControl", "numPr",
	"suppressLineNumbers", "pBdr", "shd", "tabs", "suppressAutoHyphens", "kinsoku", "wordWrap", "overflowPunct",
	"topLinePunct", "autoSpaceDE", "autoSpaceDN", "bidi", "adjustRightInd", "snapToGrid", "spacing", "ind",
	"contextualSpacing", "mirrorIndents", "suppressOverlap", "jc", "textDirection", "textAlignment",
	"textboxTightWrap", "outlineLvl", "divId", "cnfStyle", "rPr", "sectPr", "pPrChange"}

// pPr puts paragraph property elements (each a string starting "<w:name") into
// schema order.
func pPr(parts ...string) string {
	rank := func(p string) int {
		name := strings.TrimPrefix(p, "<w:")
		if i := strings.IndexAny(name, " />"); i >= 0 {
			name = name[:i]
		}
		for i, n := range pPrOrder {
			if n == name {
				return i
			}
		}
		return len(pPrOrder)
	}
	sort.SliceStable(parts, func(i, j int) bool { return rank(parts[i]) < rank(parts[j]) })
	return "<w:pPr>" + strings.Join(parts, "") + "</w:pPr>"
}

// para writes a paragraph of the style; extra are further pPr elements (alignment,
// indents), one element per string.
func (d *docx) para(style string, extra []string, rs ...run) {
	d.body.WriteString(`<w:p>` + pPr(append([]string{`<w:pStyle w:val="` + style + `"/>`}, extra...)...))
	d.runs(rs)
	d.body.WriteString("</w:p>")
}

func (d *docx) text(s string)     { d.para("Normal", nil, run{text: s}) }
func (d *docx) heading1(s string) { d.para("Heading1", nil, run{text: s}) }
func (d *docx) heading2(s string) { d.para("Heading2", nil, run{text: s}) }

// table writes a bordered table with a repeated header row. widths are relative
// column widths; left marks the columns aligned left (names), others are centred.
// Tables of more than seven columns are set in 小五 (9 pt) instead of 五号 to fit.
func (d *docx) table(caption string, header []string, rows [][]string, widths []int, left map[int]bool) {
	if caption != "" {
		d.para("TableCaption", nil, run{text: caption})
	}
	total := 0
	for _, w := range widths {
		total += w
	}
	tw := make([]int, len(widths))
	for i, w := range widths {
		tw[i] = textWidth * w / total
	}
	b := &d.body
	b.WriteString(`<w:tbl><w:tblPr><w:tblW w:w="` + fmt.Sprint(textWidth) + `" w:type="dxa"/><w:jc w:val="center"/><w:tblBorders>`)
	for _, side := range []string{"top", "left", "bottom", "right", "insideH", "insideV"} {
		b.WriteString(`<w:` + side + ` w:val="single" w:sz="4" w:space="0" w:color="000000"/>`)
	}
	b.WriteString(`</w:tblBorders><w:tblLayout w:type="fixed"/><w:tblCellMar><w:left w:w="57" w:type="dxa"/><w:right w:w="57" w:type="dxa"/></w:tblCellMar></w:tblPr><w:tblGrid>`)
	for _, w := range tw {
		b.WriteString(`<w:gridCol w:w="` + fmt.Sprint(w) + `"/>`)
	}
	b.WriteString("</w:tblGrid>")
	size := 0
	if len(widths) > 7 {
		size = 18
	}
	row := func(cells []string, head bool) {
		b.WriteString("<w:tr><w:trPr><w:cantSplit/>")
		if head {
			b.WriteString("<w:tblHeader/>")
		}
		b.WriteString("</w:trPr>")
		for i := range widths {
			c := ""
			if i < len(cells) {
				c = cells[i]
			}
			b.WriteString(`<w:tc><w:tcPr><w:tcW w:w="` + fmt.Sprint(tw[i]) + `" w:type="dxa"/><w:vAlign w:val="center"/></w:tcPr><w:p><w:pPr>`)
			style, jc := "TableText", "center"
			if head {
				style = "TableHead"
			} else if left[i] {
				jc = "left"
			}
			b.WriteString(`<w:pStyle w:val="` + style + `"/><w:jc w:val="` + jc + `"/></w:pPr>`)
			d.runs([]run{{text: clean(c, maxCellRunes), size: size}})
			b.WriteString("</w:p></w:tc>")
		}
		b.WriteString("</w:tr>")
	}
	row(header, true)
	for _, r := range rows {
		row(r, false)
	}
	b.WriteString("</w:tbl>")
}

func (d *docx) pageBreak() { d.body.WriteString(`<w:p><w:r><w:br w:type="page"/></w:r></w:p>`) }

const (
	nsW   = `xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"`
	nsR   = `xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"`
	xmlPI = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\n"
)

// write packs the document. title and author go into docProps/core.xml.
func (d *docx) write(w io.Writer, title, author, lang string, created time.Time) error {
	z := zip.NewWriter(w)
	parts := []struct{ name, body string }{
		{"[Content_Types].xml", contentTypes},
		{"_rels/.rels", rootRels},
		{"docProps/core.xml", coreProps(title, author, created)},
		{"docProps/app.xml", xmlPI + `<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"><Application>xinfang</Application></Properties>`},
		{"word/_rels/document.xml.rels", docRels},
		{"word/document.xml", xmlPI + `<w:document ` + nsW + ` ` + nsR + `><w:body>` + d.body.String() + sectPr + `</w:body></w:document>`},
		{"word/styles.xml", styles(lang)},
		{"word/settings.xml", xmlPI + `<w:settings ` + nsW + `><w:defaultTabStop w:val="420"/><w:evenAndOddHeaders/><w:characterSpacingControl w:val="compressPunctuation"/><w:compat><w:compatSetting w:name="compatibilityMode" w:uri="http://schemas.microsoft.com/office/word" w:val="15"/></w:compat></w:settings>`},
		{"word/fontTable.xml", fontTable()},
		{"word/footer1.xml", footer("right")},
		{"word/footer2.xml", footer("left")},
	}
	for _, p := range parts {
		f, err := z.Create(p.name)
		if err != nil {
			return fmt.Errorf("docx: %s: %w", p.name, err)
		}
		if _, err := io.WriteString(f, p.body); err != nil {
			return fmt.Errorf("docx: %s: %w", p.name, err)
		}
	}
	if err := z.Close(); err != nil {
		return fmt.Errorf("docx: %w", err)
	}
	return nil
}

const contentTypes = xmlPI + `<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">` +
	`<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>` +
	`<Default Extension="xml" ContentType="application/xml"/>` +
	`<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>` +
	`<Override PartName="/word/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"/>` +
	`<Override PartName="/word/settings.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.settings+xml"/>` +
	`<Override PartName="/word/fontTable.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.fontTable+xml"/>` +
	`<Override PartName="/word/footer1.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.footer+xml"/>` +
	`<Override PartName="/word/footer2.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.footer+xml"/>` +
	`<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>` +
	`<Override PartName="/docProps/app.xml" ContentType="application/vnd.openxmlformats-officedocument.extended-properties+xml"/>` +
	`</Types>`

const rootRels = xmlPI + `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
	`<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/>` +
	`<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/>` +
	`<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/extended-properties" Target="docProps/app.xml"/>` +
	`</Relationships>`

const docRels = xmlPI + `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
	`<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>` +
	`<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/settings" Target="settings.xml"/>` +
	`<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/fontTable" Target="fontTable.xml"/>` +
	`<Relationship Id="rId4" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/footer" Target="footer1.xml"/>` +
	`<Relationship Id="rId5" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/footer" Target="footer2.xml"/>` +
	`</Relationships>`

// sectPr: A4 portrait, the GB/T 9704 margins, odd-page numbers on the right and
// even-page numbers on the left, a 22-line grid.
var sectPr = fmt.Sprintf(`<w:sectPr><w:footerReference w:type="default" r:id="rId4"/><w:footerReference w:type="even" r:id="rId5"/>`+
	`<w:pgSz w:w="%d" w:h="%d"/><w:pgMar w:top="%d" w:right="%d" w:bottom="%d" w:left="%d" w:header="851" w:footer="1134" w:gutter="0"/>`+
	`<w:docGrid w:type="lines" w:linePitch="579"/></w:sectPr>`, pageW, pageH, marTop, marRght, marBottom, marLeft)

func coreProps(title, author string, created time.Time) string {
	return xmlPI + `<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">` +
		`<dc:title>` + esc(clean(title, 0)) + `</dc:title><dc:creator>` + esc(clean(author, 0)) + `</dc:creator>` +
		`<dcterms:created xsi:type="dcterms:W3CDTF">` + created.UTC().Format(time.RFC3339) + `</dcterms:created></cp:coreProperties>`
}

// rFonts names the East Asian font of a role and Times New Roman for Latin text
// and digits, as 公文 templates do.
func rFonts(eastAsia string) string {
	return `<w:rFonts w:ascii="Times New Roman" w:hAnsi="Times New Roman" w:cs="Times New Roman" w:eastAsia="` + eastAsia + `"/>`
}

// styles: body 仿宋 三号 (16 pt) on a fixed 28 pt line with a two-character first-line
// indent; title 小标宋 二号 (22 pt); 一、 headings 黑体, （一） headings 楷体; tables 五号.
func styles(lang string) string {
	lg := "zh-CN"
	if lang == "en" {
		lg = "en-GB"
	}
	style := func(id, name string, ppr []string, rpr string) string {
		return `<w:style w:type="paragraph" w:styleId="` + id + `"><w:name w:val="` + name + `"/><w:basedOn w:val="Normal"/><w:qFormat/>` + pPr(ppr...) + `<w:rPr>` + rpr + `</w:rPr></w:style>`
	}
	noIndent := `<w:ind w:firstLineChars="0" w:firstLine="0"/>`
	noGrid := `<w:snapToGrid w:val="0"/>` // table text keeps its own line height, not the 22-line grid
	center := `<w:jc w:val="center"/>`
	return xmlPI + `<w:styles ` + nsW + `><w:docDefaults><w:rPrDefault><w:rPr>` + rFonts("仿宋_GB2312") +
		`<w:sz w:val="32"/><w:szCs w:val="32"/><w:lang w:val="` + lg + `" w:eastAsia="zh-CN"/></w:rPr></w:rPrDefault>` +
		`<w:pPrDefault><w:pPr><w:spacing w:before="0" w:after="0" w:line="560" w:lineRule="exact"/></w:pPr></w:pPrDefault></w:docDefaults>` +
		`<w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/><w:qFormat/>` +
		pPr(`<w:jc w:val="both"/>`, `<w:ind w:firstLineChars="200" w:firstLine="640"/>`) + `</w:style>` +
		style("BriefIssuer", "Issuer", []string{noIndent, center, `<w:spacing w:line="900" w:lineRule="exact"/>`}, rFonts("方正小标宋简体")+`<w:color w:val="FF0000"/><w:sz w:val="60"/><w:szCs w:val="60"/>`) +
		style("BriefDocNumber", "Document number", []string{noIndent, center, `<w:pBdr><w:bottom w:val="single" w:sz="12" w:space="8" w:color="FF0000"/></w:pBdr>`, `<w:spacing w:before="240" w:after="480"/>`}, "") +
		style("Title", "Title", []string{noIndent, center, `<w:spacing w:line="700" w:lineRule="exact" w:after="280"/>`}, rFonts("方正小标宋简体")+`<w:sz w:val="44"/><w:szCs w:val="44"/>`) +
		style("Heading1", "heading 1", []string{`<w:keepNext/>`, `<w:outlineLvl w:val="0"/>`}, rFonts("黑体")) +
		style("Heading2", "heading 2", []string{`<w:keepNext/>`, `<w:outlineLvl w:val="1"/>`}, rFonts("楷体_GB2312")) +
		style("TableCaption", "caption", []string{noIndent, noGrid, `<w:keepNext/>`, center, `<w:spacing w:before="160" w:after="80" w:line="400" w:lineRule="exact"/>`}, rFonts("黑体")+`<w:sz w:val="24"/><w:szCs w:val="24"/>`) +
		style("TableText", "Table text", []string{noIndent, noGrid, `<w:spacing w:line="300" w:lineRule="auto"/>`}, `<w:sz w:val="21"/><w:szCs w:val="21"/>`) +
		style("TableHead", "Table heading", []string{noIndent, noGrid, `<w:spacing w:line="300" w:lineRule="auto"/>`}, rFonts("黑体")+`<w:sz w:val="21"/><w:szCs w:val="21"/>`) +
		style("Signature", "Signature", []string{`<w:ind w:right="1280" w:firstLineChars="0" w:firstLine="0"/>`, `<w:jc w:val="right"/>`}, "") +
		style("Footer", "footer", []string{noIndent}, rFonts("宋体")+`<w:sz w:val="28"/><w:szCs w:val="28"/>`) +
		`</w:styles>`
}

func fontTable() string {
	var b strings.Builder
	b.WriteString(xmlPI + `<w:fonts ` + nsW + `>`)
	for _, f := range fonts {
		b.WriteString(`<w:font w:name="` + f.name + `"><w:altName w:val="` + f.alt + `"/><w:charset w:val="86"/><w:family w:val="` + f.family + `"/><w:pitch w:val="variable"/></w:font>`)
	}
	b.WriteString(`<w:font w:name="Times New Roman"><w:charset w:val="00"/><w:family w:val="roman"/><w:pitch w:val="variable"/></w:font></w:fonts>`)
	return b.String()
}

// footer holds the page number as "— N —" (GB/T 9704: 4号 宋体, one character in
// from the outer edge).
func footer(side string) string {
	ind := `<w:ind w:right="280"/>`
	if side == "left" {
		ind = `<w:ind w:left="280"/>`
	}
	r := func(s string) string { return `<w:r><w:t xml:space="preserve">` + s + `</w:t></w:r>` }
	return xmlPI + `<w:ftr ` + nsW + ` ` + nsR + `><w:p>` + pPr(`<w:pStyle w:val="Footer"/>`, `<w:jc w:val="`+side+`"/>`, ind) +
		r("— ") + `<w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText xml:space="preserve"> PAGE </w:instrText></w:r>` +
		`<w:r><w:fldChar w:fldCharType="separate"/></w:r>` + r("1") + `<w:r><w:fldChar w:fldCharType="end"/></w:r>` + r(" —") + `</w:p></w:ftr>`
}
