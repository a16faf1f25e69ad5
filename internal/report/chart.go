package report

import (
	"bytes"
	"encoding/json"
	"fmt"
	"html/template"
	"math"
	"strconv"
	"strings"

	echarts "github.com/go-echarts/go-echarts/v2/charts"
	"github.com/go-echarts/go-echarts/v2/opts"
)

// localAssetsHost keeps go-echarts from pointing pages at its CDN: our pages load
// ECharts from the report's own assets folder (see page.html), never from a host.
const localAssetsHost = "assets/"

// chartBlock is one chart as placed in a page: an empty container and its option
// JSON, which assets/app.js hands to echarts.init. The JSON goes into a
// <script type="application/json"> block, never into executable script.
type chartBlock struct {
	ID     string
	Title  string
	Height int
	JSON   template.JS // safe to embed in HTML: see safeJSON
	Note   string
	opt    map[string]any // the option as serialised (the period picker re-sends it)
	months []string       // the month axis of a chart over months (period picker bands)
}

// chartPayload is what app.js reads: the ECharts option plus, for charts that name
// units, a label -> unit page map so that a click on a bar, cell or axis label opens it.
type chartPayload struct {
	Option map[string]any    `json:"option"`
	Links  map[string]string `json:"links,omitempty"`
}

// optioner is any go-echarts chart: Validate fills the axes from SetXAxis and
// JSON returns the option object.
type optioner interface {
	Validate()
	JSON() map[string]any
}

// newChartBlock validates a go-echarts chart and serialises its option safely,
// after the marks (partial period, goal lines) have edited the option.
func newChartBlock(id, title string, height int, c optioner, links map[string]string, marks ...mark) (chartBlock, error) {
	c.Validate()
	opt := c.JSON()
	if len(marks) > 0 {
		// go-echarts hands back typed structs; a JSON round trip gives plain maps the
		// marks can edit without knowing go-echarts' types.
		raw, err := json.Marshal(opt)
		if err != nil {
			return chartBlock{}, fmt.Errorf("chart %s: %w", id, err)
		}
		opt = map[string]any{}
		if err := json.Unmarshal(raw, &opt); err != nil {
			return chartBlock{}, fmt.Errorf("chart %s: %w", id, err)
		}
		for _, m := range marks {
			m(opt)
		}
	}
	opt["aria"] = map[string]any{"enabled": true} // ECharts describes each chart for screen readers
	b, err := safeJSON(chartPayload{Option: opt, Links: links})
	if err != nil {
		return chartBlock{}, fmt.Errorf("chart %s: %w", id, err)
	}
	return chartBlock{ID: id, Title: title, Height: height, JSON: template.JS(b), opt: opt}, nil
}

// mark edits a chart's option (as plain JSON maps) before it is serialised.
type mark func(opt map[string]any)

func objs(v any) []map[string]any {
	var out []map[string]any
	switch x := v.(type) {
	case []any:
		for _, e := range x {
			if m, ok := e.(map[string]any); ok {
				out = append(out, m)
			}
		}
	case map[string]any:
		out = append(out, x)
	}
	return out
}

// partialMark shades the category cat of the x axis (the partial as-of month) with a
// labelled band, and draws that month's bars and heatmap cells faded, so that a few
// days' count never reads as a full month. No-op when cat is "" or not on the axis.
func partialMark(cat, label string) mark {
	return func(opt map[string]any) {
		if cat == "" {
			return
		}
		idx := -1
		var cats []any
		for _, ax := range objs(opt["xAxis"]) {
			if data, ok := ax["data"].([]any); ok {
				for i, v := range data {
					if v == cat {
						idx, cats = i, data
					}
				}
			}
		}
		if idx < 0 {
			return
		}
		for i, se := range objs(opt["series"]) {
			if i == 0 {
				// A line chart puts each month on a tick (no band of its own): shade the
				// segment that runs into the partial month, from the month before it.
				from := cat
				if prev, ok := cats[max(idx-1, 0)].(string); ok && se["type"] == "line" {
					from = prev
				}
				se["markArea"] = map[string]any{
					"silent":    true,
					"itemStyle": map[string]any{"color": "rgba(120,120,120,0.18)"},
					"label":     map[string]any{"show": true, "position": "insideTopRight", "color": "#444"},
					"data":      []any{[]any{map[string]any{"name": label, "xAxis": from}, map[string]any{"xAxis": cat}}},
				}
			}
			data, ok := se["data"].([]any)
			if !ok {
				continue
			}
			faded := map[string]any{"opacity": 0.45}
			switch se["type"] {
			case "bar":
				if idx < len(data) {
					if d, ok := data[idx].(map[string]any); ok {
						d["itemStyle"] = faded
					}
				}
			case "heatmap":
				for _, e := range data {
					d, ok := e.(map[string]any)
					if !ok {
						continue
					}
					if v, ok := d["value"].([]any); ok && len(v) > 0 && v[0] == float64(idx) {
						d["itemStyle"] = faded
					}
				}
			case "line":
				if idx < len(data) {
					if d, ok := data[idx].(map[string]any); ok {
						d["symbol"] = "emptyCircle"
						d["symbolSize"] = 9
						d["itemStyle"] = map[string]any{"opacity": 1}
					}
				}
			}
		}
	}
}

// partialMonth is the as-of month when the as-of date is not its last day ("" when the
// month is complete): the month every monthly chart marks as partial.
func (s *site) partialMonth() string {
	if s.asOf.AddDate(0, 0, 1).Day() == 1 {
		return ""
	}
	return s.month
}

// markPartial marks the partial as-of month on a chart over months.
func (s *site) markPartial() mark { return partialMark(s.partialMonth(), s.c.T("partial")) }

// safeJSON marshals v so that it is inert wherever it lands in a page:
// encoding/json escapes <, > and & as \u003c, \u003e, \u0026 (and U+2028/2029),
// so no data string can close a <script> element; and "__f__" — go-echarts'
// marker for "this string is a JS function" — is broken up as _\u005ff__, which
// JSON.parse reads back as the same text. We never pass the output through
// go-echarts' own templates, which would turn such a string into code.
func safeJSON(v any) (string, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(true)
	if err := enc.Encode(v); err != nil {
		return "", err
	}
	s := strings.TrimSpace(buf.String())
	s = strings.ReplaceAll(s, "__f__", `_\u005ff__`)
	return s, nil
}

// num makes a chart value from a possibly missing or non-finite number: ECharts'
// "-" is an empty point, so a NULL, NaN or Inf leaves a gap instead of breaking
// the JSON (encoding/json refuses NaN) or blanking the chart.
func num(v *float64) any {
	if v == nil || math.IsNaN(*v) || math.IsInf(*v, 0) {
		return "-"
	}
	return *v
}

func lineData(vals []*float64) []opts.LineData {
	out := make([]opts.LineData, len(vals))
	for i, v := range vals {
		out[i] = opts.LineData{Value: num(v)}
	}
	return out
}

func barData(vals []*float64) []opts.BarData {
	out := make([]opts.BarData, len(vals))
	for i, v := range vals {
		out[i] = opts.BarData{Value: num(v)}
	}
	return out
}

// baseOpts are the options every chart shares: local assets, no animation (the
// browser test and print both want the final frame at once), axis tooltips.
func baseOpts(height int) []echarts.GlobalOpts {
	return []echarts.GlobalOpts{
		echarts.WithInitializationOpts(opts.Initialization{AssetsHost: localAssetsHost, Height: fmt.Sprintf("%dpx", height), Width: "100%"}),
		echarts.WithAnimation(false),
		echarts.WithTooltipOpts(opts.Tooltip{Show: opts.Bool(true), Trigger: "axis"}),
		echarts.WithLegendOpts(opts.Legend{Show: opts.Bool(true), Top: "0"}),
	}
}

// lineChart is a time series: one line per series over the x categories.
func lineChart(x []string, series []seriesDef, height int, percent bool) *echarts.Line {
	c := echarts.NewLine()
	c.SetGlobalOptions(baseOpts(height)...)
	y := opts.YAxis{Type: "value"}
	if percent {
		y.AxisLabel = &opts.AxisLabel{Formatter: "{value}%"}
	}
	c.SetGlobalOptions(echarts.WithYAxisOpts(y), echarts.WithGridOpts(opts.Grid{Left: "50", Right: "20", Top: "40", Bottom: "30"}))
	c.SetXAxis(x)
	for _, s := range series {
		so := []echarts.SeriesOpts{echarts.WithLineChartOpts(opts.LineChart{ShowSymbol: opts.Bool(false), ConnectNulls: opts.Bool(false)})}
		if s.Dashed {
			so = append(so, echarts.WithLineStyleOpts(opts.LineStyle{Type: "dashed", Width: 2}))
		}
		if s.Color != "" {
			so = append(so, echarts.WithItemStyleOpts(opts.ItemStyle{Color: s.Color}), echarts.WithLineStyleOpts(opts.LineStyle{Color: s.Color, Type: map[bool]string{true: "dashed", false: "solid"}[s.Dashed], Width: 2}))
		}
		c.AddSeries(s.Name, lineData(s.Values), so...)
	}
	return c
}

// seriesDef is one named series of a line or bar chart.
type seriesDef struct {
	Name   string
	Values []*float64
	Dashed bool
	Color  string
}

// hbarChart is a horizontal bar chart with category labels on the y axis (units).
func hbarChart(labels []string, series []seriesDef, height int, percent bool) *echarts.Bar {
	c := echarts.NewBar()
	c.SetGlobalOptions(baseOpts(height)...)
	x := opts.XAxis{Type: "value"}
	if percent {
		x.AxisLabel = &opts.AxisLabel{Formatter: "{value}%"}
	}
	c.SetGlobalOptions(
		echarts.WithXAxisOpts(x),
		echarts.WithYAxisOpts(opts.YAxis{Type: "category", Inverse: opts.Bool(true), AxisLabel: &opts.AxisLabel{Interval: "0", Width: 160, Overflow: "truncate"}}),
		echarts.WithGridOpts(opts.Grid{Left: "170", Right: "30", Top: "40", Bottom: "30"}),
	)
	c.SetXAxis(labels)
	for _, s := range series {
		var so []echarts.SeriesOpts
		if s.Color != "" {
			so = append(so, echarts.WithItemStyleOpts(opts.ItemStyle{Color: s.Color}))
		}
		c.AddSeries(s.Name, barData(s.Values), so...)
	}
	c.XYReversal()
	return c
}

// barChart is a vertical bar chart over categories (months, channels).
func barChart(x []string, series []seriesDef, height int, stacked bool) *echarts.Bar {
	c := echarts.NewBar()
	c.SetGlobalOptions(baseOpts(height)...)
	c.SetGlobalOptions(echarts.WithGridOpts(opts.Grid{Left: "50", Right: "20", Top: "40", Bottom: "30"}))
	c.SetXAxis(x)
	for _, s := range series {
		var so []echarts.SeriesOpts
		if stacked {
			so = append(so, echarts.WithBarChartOpts(opts.BarChart{Stack: "total"}))
		}
		if s.Color != "" {
			so = append(so, echarts.WithItemStyleOpts(opts.ItemStyle{Color: s.Color}))
		}
		c.AddSeries(s.Name, barData(s.Values), so...)
	}
	return c
}

// heatmapChart draws rows (units) × columns (months); cells[i][j] is row i, column j.
func heatmapChart(cols, rows []string, cells [][]*float64, name string, height int) *echarts.HeatMap {
	c := echarts.NewHeatMap()
	c.SetGlobalOptions(baseOpts(height)...)
	var max float64
	var data []opts.HeatMapData
	for i := range rows {
		for j := range cols {
			v := cells[i][j]
			if v == nil || math.IsNaN(*v) || math.IsInf(*v, 0) {
				data = append(data, opts.HeatMapData{Value: []any{j, i, "-"}})
				continue
			}
			if *v > max {
				max = *v
			}
			data = append(data, opts.HeatMapData{Value: []any{j, i, *v}})
		}
	}
	if max == 0 {
		max = 1
	}
	c.SetGlobalOptions(
		echarts.WithTooltipOpts(opts.Tooltip{Show: opts.Bool(true), Trigger: "item"}),
		echarts.WithLegendOpts(opts.Legend{Show: opts.Bool(false)}),
		echarts.WithXAxisOpts(opts.XAxis{Type: "category", Data: cols, SplitArea: &opts.SplitArea{Show: opts.Bool(true)}}),
		echarts.WithYAxisOpts(opts.YAxis{Type: "category", Data: rows, Inverse: opts.Bool(true), AxisLabel: &opts.AxisLabel{Interval: "0", Width: 160, Overflow: "truncate"}}),
		echarts.WithGridOpts(opts.Grid{Left: "170", Right: "30", Top: "10", Bottom: "70"}),
		echarts.WithVisualMapOpts(opts.VisualMap{Calculable: opts.Bool(true), Min: 0, Max: float32(max), Orient: "horizontal", Left: "center", Bottom: "0",
			InRange: &opts.VisualMapInRange{Color: []string{"#f7fbff", "#6baed6", "#08306b"}}}),
	)
	c.SetXAxis(cols)
	c.AddSeries(name, data)
	return c
}

// axisNames names a chart's axes: cat on its category axis, val (with the unit: 件, %)
// on its value axis; for a heatmap, whose axes are both categories, cat names the x axis
// and val labels the colour scale. An empty name leaves the axis unnamed.
func axisNames(cat, val string) mark {
	return func(opt map[string]any) {
		named := func(ax map[string]any, name string, vertical bool) {
			if name == "" {
				return
			}
			ax["name"] = name
			ax["nameTextStyle"] = map[string]any{"color": "#616e7c"}
			if vertical {
				ax["nameLocation"] = "end"
			} else {
				ax["nameLocation"] = "middle"
				ax["nameGap"] = 24
				// room below the tick labels for the name
				for _, g := range objs(opt["grid"]) {
					if b, _ := strconv.Atoi(fmt.Sprint(g["bottom"])); b < 48 {
						g["bottom"] = "48"
					}
				}
			}
		}
		for _, key := range []string{"xAxis", "yAxis"} {
			for i, ax := range objs(opt[key]) {
				if i > 0 {
					break
				}
				typ, _ := ax["type"].(string)
				if typ == "" { // ECharts' default: category when the axis has data
					typ = "value"
					if _, ok := ax["data"].([]any); ok {
						typ = "category"
					}
				}
				switch typ {
				case "value":
					named(ax, val, key == "yAxis")
				case "category":
					if key == "xAxis" {
						named(ax, cat, false)
					}
				}
			}
		}
		for _, vm := range objs(opt["visualMap"]) {
			if val != "" {
				max, _ := vm["max"].(float64)
				vm["text"] = []any{fmt.Sprintf("%g %s", max, val), "0 " + val}
			}
		}
	}
}
