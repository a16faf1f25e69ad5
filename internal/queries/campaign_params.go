package queries

import (
	"context"
	"fmt"

	"github.com/xinfang/xinfang/internal/config"
)

// writeCampaignParams writes the campaign and early-warning config (SPEC §9, §10) as
// mart.cfg_campaigns, mart.cfg_campaign_units (one row per listed unit id, "*" kept as
// is) and the one-row mart.cfg_alerts, which 130_campaign.sql and 140_alerts.sql read.
func writeCampaignParams(ctx context.Context, tx execer, cfg *config.Config) error {
	stmts := []string{
		`CREATE OR REPLACE TABLE mart.cfg_campaigns (campaign_id VARCHAR, name VARCHAR, start_date DATE, end_date DATE, ord INTEGER)`,
		`CREATE OR REPLACE TABLE mart.cfg_campaign_units (campaign_id VARCHAR, unit_id VARCHAR)`,
		`CREATE OR REPLACE TABLE mart.cfg_alerts (baseline_weeks INTEGER, min_count INTEGER, collective_min INTEGER)`,
	}
	for _, s := range stmts {
		if _, err := tx.ExecContext(ctx, s); err != nil {
			return fmt.Errorf("compute: campaign config tables: %w", err)
		}
	}
	for i, c := range cfg.EffectiveCampaigns() {
		if _, err := tx.ExecContext(ctx, `INSERT INTO mart.cfg_campaigns VALUES (?, ?, ?::DATE, ?::DATE, ?)`, c.ID, c.Name, c.Start, c.End, i); err != nil {
			return fmt.Errorf("compute: campaign %s: %w", c.ID, err)
		}
		for _, u := range c.Units {
			if _, err := tx.ExecContext(ctx, `INSERT INTO mart.cfg_campaign_units VALUES (?, ?)`, c.ID, u); err != nil {
				return fmt.Errorf("compute: campaign %s unit %s: %w", c.ID, u, err)
			}
		}
	}
	a := cfg.Alerts
	if _, err := tx.ExecContext(ctx, `INSERT INTO mart.cfg_alerts VALUES (?, ?, ?)`, a.BaselineWeeks, a.MinCount, a.CollectiveMin); err != nil {
		return fmt.Errorf("compute: alerts config: %w", err)
	}
	return nil
}
