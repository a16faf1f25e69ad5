// Package version holds the program version, set at build time with
// -ldflags "-X github.com/xinfang/xinfang/internal/version.Version=...". It is a leaf, so
// the marts can record which version built them.
package version

// Version is the program version.
var Version = "0.1.0-dev"
