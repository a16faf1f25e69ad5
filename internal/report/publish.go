package report

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/xinfang/xinfang/internal/archive"
)

// publish builds the site in a sibling temporary folder and swaps it in with
// renames, so that a reader never sees half a report and a failed build leaves
// the last good one. Archived quarters are carried over: hard-linked into the new
// folder before the swap (they never change), and any archive written into the old
// folder meanwhile is moved across after it.
func publish(outDir string, keep []string, build func(dir string) (int, error)) (int, error) {
	abs, err := filepath.Abs(outDir)
	if err != nil {
		return 0, fmt.Errorf("report: %w", err)
	}
	parent, base := filepath.Dir(abs), filepath.Base(abs)
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return 0, fmt.Errorf("report: create %s: %w", parent, err)
	}
	removeStaleStaging(parent, base)
	tmp, err := os.MkdirTemp(parent, "."+base+".new-")
	if err != nil {
		return 0, fmt.Errorf("report: %w", err)
	}
	defer os.RemoveAll(tmp) // after a successful swap it holds the old site, or nothing
	if release, err := lockDir(tmp); err == nil {
		defer release() // marks tmp as in use (staging.go)
	}
	if release, err := lockDir(abs); err == nil {
		defer release() // the old site lands at tmp's name after the swap
	}
	n, err := build(tmp)
	if err != nil {
		return 0, err
	}
	if err := linkTree(filepath.Join(abs, "archive"), filepath.Join(tmp, "archive")); err != nil {
		return 0, fmt.Errorf("report: carry archives over: %w", err)
	}
	for _, k := range keep {
		if err := linkAll(filepath.Join(abs, k), filepath.Join(tmp, k)); err != nil {
			return 0, fmt.Errorf("report: carry %s over: %w", k, err)
		}
	}
	if err := ApplySiteModes(tmp); err != nil {
		return 0, fmt.Errorf("report: %w", err)
	}
	if _, err := os.Stat(abs); os.IsNotExist(err) {
		if err := os.Rename(tmp, abs); err != nil {
			return 0, fmt.Errorf("report: publish %s: %w", abs, err)
		}
		return n, nil
	}
	if err := exchange(tmp, abs); err != nil {
		return 0, fmt.Errorf("report: publish %s: %w", abs, err)
	}
	// tmp now holds the previous site: move over archives that appeared meanwhile.
	entries, _ := os.ReadDir(filepath.Join(tmp, "archive"))
	for _, e := range entries {
		if _, _, err := archive.ParseQuarter(e.Name()); err != nil || !e.IsDir() {
			continue
		}
		dst := filepath.Join(abs, "archive", e.Name())
		if _, err := os.Stat(dst); os.IsNotExist(err) {
			if err := MkSiteDir(filepath.Join(abs, "archive")); err != nil {
				return 0, fmt.Errorf("report: %w", err)
			}
			if err := os.Rename(filepath.Join(tmp, "archive", e.Name()), dst); err != nil {
				return 0, fmt.Errorf("report: keep archive %s: %w", e.Name(), err)
			}
		}
	}
	return n, nil
}

// linkTree recreates src under dst with hard links (copies where links fail, e.g.
// across file systems). Only archived quarters are carried, not temp folders.
func linkTree(src, dst string) error {
	entries, err := os.ReadDir(src)
	if os.IsNotExist(err) {
		return nil
	}
	if err != nil {
		return err
	}
	for _, e := range entries {
		if _, _, err := archive.ParseQuarter(e.Name()); err != nil || !e.IsDir() {
			continue
		}
		if err := linkFiles(filepath.Join(src, e.Name()), filepath.Join(dst, e.Name())); err != nil {
			return err
		}
	}
	return nil
}

// linkAll recreates the folder src (if it exists) under dst with hard links (copies
// where links fail), every file included.
func linkAll(src, dst string) error {
	if _, err := os.Stat(src); os.IsNotExist(err) {
		return nil
	}
	if _, err := os.Stat(dst); err == nil {
		return fmt.Errorf("%s is also a folder of the site", filepath.Base(dst))
	}
	return linkFiles(src, dst)
}

// linkFiles recreates the tree src as dst: folders made, files hard-linked (copied
// where a link fails, e.g. across file systems).
func linkFiles(src, dst string) error {
	return filepath.WalkDir(src, func(path string, de os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		r, _ := filepath.Rel(src, path)
		target := filepath.Join(dst, r)
		if de.IsDir() {
			return os.MkdirAll(target, 0o755)
		}
		if err := os.Link(path, target); err == nil {
			return nil
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		return os.WriteFile(target, b, 0o644)
	})
}
