//go:build ignore

// gen_reference writes docs/CONFIG.md from the built-in defaults (go generate ./config).
package main

import (
	"log"
	"os"
	"path/filepath"

	"github.com/xinfang/xinfang/internal/config"
)

func main() {
	ref, err := config.Reference()
	if err != nil {
		log.Fatal(err)
	}
	// go generate runs in the package directory, one below the module root.
	if err := os.WriteFile(filepath.Join("..", "..", config.ReferencePath), []byte(ref), 0o644); err != nil {
		log.Fatal(err)
	}
}
