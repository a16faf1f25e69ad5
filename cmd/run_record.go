package cmd

import (
	"context"

	"github.com/xinfang/xinfang/config"
	"github.com/xinfang/xinfang/jobs"
	"github.com/xinfang/xinfang/orchestrate"
	"github.com/xinfang/xinfang/store"
)

// runRecorded runs the pipeline as a manual job, recorded in job_runs like a scheduled one.
func runRecorded(ctx context.Context, db *store.DB, cfg *config.Config, job string, opt orchestrate.Options) (*orchestrate.Result, error) {
	return jobs.RunPipeline(ctx, db, cfg, job, jobs.TriggerManual, opt)
}
