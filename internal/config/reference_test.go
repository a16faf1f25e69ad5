package config

import (
	"os"
	"path/filepath"
	"testing"
)

func TestConfigReferenceUpToDate(t *testing.T) {
	want, err := Reference()
	if err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(filepath.Join("..", "..", ReferencePath))
	if err != nil {
		t.Fatalf("%v (run go generate ./config)", err)
	}
	if string(got) != want {
		t.Fatalf("%s is stale: run go generate ./config and commit it", ReferencePath)
	}
}
