package brief

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"io"
	"testing"
	"time"
)

// schemaOrder lists, for the property elements the writer emits, the child sequence of
// ECMA-376 (CT_PPrBase, CT_RPr, CT_TblPr, CT_TcPr, CT_SectPr, CT_Settings, CT_Style,
// CT_Font): Word refuses a document whose children are out of order, LibreOffice
// does not, so the conversion tests cannot catch it.
var schemaOrder = map[string][]string{
	"pPr": pPrOrder,
	"rPr": {"rStyle", "rFonts", "b", "bCs", "i", "iCs", "caps", "smallCaps", "strike", "dstrike", "outline", "shadow", "emboss",
		"imprint", "noProof", "snapToGrid", "vanish", "webHidden", "color", "spacing", "w", "kern", "position", "sz", "szCs",
		"highlight", "u", "effect", "bdr", "shd", "fitText", "vertAlign", "rtl", "cs", "em", "lang", "eastAsianLayout"},
	"tblPr":      {"tblStyle", "tblpPr", "tblOverlap", "bidiVisual", "tblStyleRowBandSize", "tblStyleColBandSize", "tblW", "jc", "tblCellSpacing", "tblInd", "tblBorders", "shd", "tblLayout", "tblCellMar", "tblLook"},
	"tblBorders": {"top", "left", "start", "bottom", "right", "end", "insideH", "insideV"},
	"tcPr":       {"cnfStyle", "tcW", "gridSpan", "hMerge", "vMerge", "tcBorders", "shd", "noWrap", "tcMar", "textDirection", "tcFitText", "vAlign", "hideMark"},
	"sectPr":     {"headerReference", "footerReference", "footnotePr", "endnotePr", "type", "pgSz", "pgMar", "paperSrc", "pgBorders", "lnNumType", "pgNumType", "cols", "formProt", "vAlign", "noEndnote", "titlePg", "textDirection", "bidi", "rtlGutter", "docGrid"},
	"settings":   {"view", "zoom", "defaultTabStop", "evenAndOddHeaders", "characterSpacingControl", "compat"},
	"style":      {"name", "aliases", "basedOn", "next", "link", "autoRedefine", "hidden", "uiPriority", "semiHidden", "unhideWhenUsed", "qFormat", "locked", "pPr", "rPr", "tblPr"},
	"font":       {"altName", "panose1", "charset", "family", "notTrueType", "pitch"},
	"tr":         {"tblPrEx", "trPr", "tc"},
	"tc":         {"tcPr", "p", "tbl"},
}

func TestPartsFollowSchemaOrder(t *testing.T) {
	d := &docx{}
	d.para("BriefIssuer", nil, run{text: "发文机关", color: "FF0000", bold: true, size: 20})
	d.para("Heading1", []string{`<w:jc w:val="left"/>`, `<w:ind w:firstLine="0"/>`, `<w:keepNext/>`}, run{text: "一、总体情况"})
	d.text("正文")
	d.table("表1", []string{"a", "b", "c", "d", "e", "f", "g", "h"}, [][]string{{"1", "2"}}, []int{1, 1, 1, 1, 1, 1, 1, 1}, map[int]bool{0: true})
	d.pageBreak()
	var buf bytes.Buffer
	if err := d.write(&buf, "t", "a", "zh", time.Date(2026, 10, 9, 0, 0, 0, 0, time.UTC)); err != nil {
		t.Fatal(err)
	}
	z, err := zip.NewReader(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	if err != nil {
		t.Fatal(err)
	}
	checked := 0
	for _, f := range z.File {
		r, _ := f.Open()
		dec := xml.NewDecoder(r)
		type frame struct {
			name string
			last int
		}
		var stack []frame
		for {
			tok, err := dec.Token()
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Fatalf("%s: %v", f.Name, err)
			}
			switch e := tok.(type) {
			case xml.StartElement:
				if len(stack) > 0 {
					p := &stack[len(stack)-1]
					if order, ok := schemaOrder[p.name]; ok {
						rank := -1
						for i, n := range order {
							if n == e.Name.Local {
								rank = i
							}
						}
						if rank < 0 {
							t.Errorf("%s: <%s> in <%s> is not in the checked sequence", f.Name, e.Name.Local, p.name)
						} else if rank < p.last {
							t.Errorf("%s: <%s> after a later sibling in <%s>", f.Name, e.Name.Local, p.name)
						}
						p.last = max(p.last, rank)
						checked++
					}
				}
				stack = append(stack, frame{name: e.Name.Local})
			case xml.EndElement:
				stack = stack[:len(stack)-1]
			}
		}
		r.Close()
	}
	if checked < 50 {
		t.Fatalf("only %d elements checked", checked)
	}
}
