package cmd

import (
	"context"

	"github.com/xinfang/xinfang/config"
	"github.com/xinfang/xinfang/pipeline"
	"github.com/xinfang/xinfang/store"
)

// runRecorded runs the pipeline as a manual job. TODO(lead): record in job_runs via jobs once it lands.
func runRecorded(ctx context.Context, db *store.DB, cfg *config.Config, job string, opt pipeline.RunOptions) (*pipeline.RunResult, error) {
	return pipeline.Run(ctx, db, cfg, opt)
}
