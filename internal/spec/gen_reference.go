//go:build ignore

// gen_reference writes docs/REFERENCE.md from the registries (go generate ./spec).
package main

import (
	"log"
	"os"
	"path/filepath"

	"github.com/xinfang/xinfang/internal/spec"
)

func main() {
	// go generate runs in the package directory, one below the module root.
	if err := os.WriteFile(filepath.Join("..", "..", spec.ReferencePath), []byte(spec.Reference()), 0o644); err != nil {
		log.Fatal(err)
	}
}
