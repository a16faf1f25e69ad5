package config

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
)

// Fingerprint hashes the effective config, as-of date left out, so that two builds
// (or two renders) from the same rules compare equal whatever day they ran.
func (c *Config) Fingerprint() (string, error) {
	cc := *c
	cc.AsOf = ""
	b, err := json.Marshal(&cc)
	if err != nil {
		return "", fmt.Errorf("config fingerprint: %w", err)
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:]), nil
}
