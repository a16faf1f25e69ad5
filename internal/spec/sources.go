package spec

// SourceInput is where a source kind's rows come from; config validation asks for
// the settings that input needs (a path, a dsn, nothing).
type SourceInput uint8

// The inputs of source kinds.
const (
	FromFiles     SourceInput = iota // path: a file, a folder of files, or a glob
	FromDatabase                     // dsn plus table or query
	FromGenerator                    // generated data; no mapping needed
)

// SourceKind is one value of sources[].kind as config sees it: its name, its
// input and the kind-specific keys it accepts. pipeline registers one reader per
// kind; a test there checks that both lists name the same kinds.
type SourceKind struct {
	Name  string
	Input SourceInput
	// Delimiter and Sheet say whether the delimiter and sheet keys apply.
	Delimiter, Sheet bool
}

var sourceKinds = []SourceKind{
	{Name: "synthetic", Input: FromGenerator},
	{Name: "csv", Input: FromFiles, Delimiter: true},
	{Name: "tsv", Input: FromFiles, Delimiter: true},
	{Name: "xlsx", Input: FromFiles, Sheet: true},
	{Name: "jsonl", Input: FromFiles},
	{Name: "parquet", Input: FromFiles},
	{Name: "postgres", Input: FromDatabase},
}

// SourceKinds lists the source kinds in the order messages name them.
func SourceKinds() []SourceKind { return append([]SourceKind(nil), sourceKinds...) }

// SourceKindNames lists the names of SourceKinds.
func SourceKindNames() []string {
	out := make([]string, len(sourceKinds))
	for i, k := range sourceKinds {
		out[i] = k.Name
	}
	return out
}

// LookupSourceKind finds a source kind by name.
func LookupSourceKind(name string) (SourceKind, bool) {
	for _, k := range sourceKinds {
		if k.Name == name {
			return k, true
		}
	}
	return SourceKind{}, false
}

// IsGenerated reports whether a source of this kind name is generated (and so
// needs no mapping and brings its own units).
func IsGenerated(kind string) bool {
	k, ok := LookupSourceKind(kind)
	return ok && k.Input == FromGenerator
}
