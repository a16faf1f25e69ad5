//go:build linux

package report

import (
	"os"

	"golang.org/x/sys/unix"
)

// exchange swaps two directories atomically (renameat2 RENAME_EXCHANGE): the
// published path always holds a complete site. Falls back to two renames where the
// file system does not support the exchange.
func exchange(a, b string) error {
	if err := unix.Renameat2(unix.AT_FDCWD, a, unix.AT_FDCWD, b, unix.RENAME_EXCHANGE); err == nil {
		return nil
	}
	return exchangeByRename(a, b)
}

// exchangeByRename moves b aside to a's name via a third name; b is missing only
// between the two renames.
func exchangeByRename(a, b string) error {
	old := a + ".old"
	if err := os.Rename(b, old); err != nil {
		return err
	}
	if err := os.Rename(a, b); err != nil {
		_ = os.Rename(old, b)
		return err
	}
	return os.Rename(old, a)
}
