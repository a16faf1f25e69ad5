// Command xinfang is the petition-work appraisal pipeline. See README.md.
package main

import (
	"os"

	"github.com/xinfang/xinfang/internal/cmd"
)

func main() {
	os.Exit(cmd.Execute(os.Args[1:]))
}
