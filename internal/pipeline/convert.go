package pipeline

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sort"
	"sync"

	"github.com/apache/arrow-go/v18/arrow"
)

type convertStats struct {
	read, rejects, warns int64
	skipped              int64
	skippedBy            map[string]int64
	units                map[string]seenUnit
}

// rowBlock is a run of rows handed from the reader to a converter worker.
type rowBlock struct {
	rows [][]string
	nums []int64
}

const (
	blockRows = 2048
	// recordRows is the rows per Arrow record handed to DuckDB (about 20 MB): small
	// enough that the few records in flight stay a small part of the memory limit.
	recordRows = 65536
)

// convert streams rows from rr through parallel converters into the staging
// table. The reader and the DuckDB side each run on their own goroutine, so
// parsing, converting and loading overlap.
func (in *ingester) convert(ctx context.Context, l *loader, rr rowReader, m *mapper, label string) (convertStats, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	blocks := make(chan rowBlock, in.workers*2)
	recs := make(chan arrow.RecordBatch, 1)
	var readIssues []issue
	var readErr error
	bar := in.progressBar(rr, label)

	go func() { // reader
		defer close(blocks)
		blk := rowBlock{rows: make([][]string, 0, blockRows), nums: make([]int64, 0, blockRows)}
		for {
			row, num, err := rr.Next()
			if err != nil {
				var re *rowError
				if errors.As(err, &re) {
					readIssues = append(readIssues, issue{row: re.row, reason: re.reason, severity: "reject", field: ""})
					continue
				}
				if !errors.Is(err, io.EOF) {
					readErr = err
				}
				break
			}
			blk.rows = append(blk.rows, row)
			blk.nums = append(blk.nums, num)
			if len(blk.rows) == blockRows {
				select {
				case blocks <- blk:
				case <-ctx.Done():
					return
				}
				if bar != nil {
					done, _ := rr.Progress()
					_ = bar.Set64(done)
				}
				blk = rowBlock{rows: make([][]string, 0, blockRows), nums: make([]int64, 0, blockRows)}
			}
		}
		if len(blk.rows) > 0 {
			select {
			case blocks <- blk:
			case <-ctx.Done():
			}
		}
	}()

	var ev *exprEval
	if len(m.rules)+len(m.exprs) > 0 {
		var err error
		if ev, err = newExprEval(ctx, m.source, m.rules, m.exprs, rr.Header()); err != nil {
			return convertStats{}, err
		}
	}
	var evalErr error
	var evalOnce sync.Once
	convs := make([]*converter, in.workers)
	var wg sync.WaitGroup
	for w := range convs {
		c := newConverter(m, in.key)
		convs[w] = c
		wg.Add(1)
		go func() {
			defer wg.Done()
			var xw *exprWorker
			if ev != nil {
				var err error
				if xw, err = ev.worker(ctx, w); err != nil {
					evalOnce.Do(func() { evalErr = err })
					cancel()
					return
				}
				defer xw.close()
				c.skippedBy = make([]int64, len(m.rules))
			}
			for blk := range blocks {
				if xw != nil {
					kept, skipped, err := xw.apply(ctx, blk)
					if err != nil {
						evalOnce.Do(func() { evalErr = err })
						cancel()
						return
					}
					for i, n := range skipped {
						c.skippedBy[i] += n
						c.read += n
					}
					blk = kept
				}
				for i, row := range blk.rows {
					c.add(row, blk.nums[i])
				}
				if c.n >= recordRows {
					select {
					case recs <- c.flush():
					case <-ctx.Done():
						return
					}
				}
			}
			if rec := c.flush(); rec != nil {
				select {
				case recs <- rec:
				case <-ctx.Done():
				}
			}
		}()
	}
	go func() { wg.Wait(); close(recs) }()

	var stageErr error
	for rec := range recs {
		if stageErr == nil {
			if err := ctx.Err(); err != nil {
				stageErr = err
			} else if err := l.stage(ctx, rec); err != nil {
				stageErr = err
				cancel()
			} else if afterStageRecord != nil {
				afterStageRecord()
			}
		}
		rec.Release()
	}
	for _, c := range convs {
		defer c.release()
	}
	if bar != nil {
		done, _ := rr.Progress()
		_ = bar.Set64(done)
		_ = bar.Finish()
	}
	if evalErr != nil {
		return convertStats{}, evalErr
	}
	if stageErr != nil {
		return convertStats{}, stageErr
	}
	if err := ctx.Err(); err != nil {
		return convertStats{}, err
	}
	if readErr != nil {
		return convertStats{}, fmt.Errorf("source %s: read %s: %w", l.source, l.file, readErr)
	}
	st := convertStats{units: mergeUnits(convs)}
	all := readIssues
	st.rejects = int64(len(readIssues))
	st.read = int64(len(readIssues))
	for _, c := range convs {
		st.read += c.read
		st.rejects += c.rejects
		st.warns += c.warns
		all = append(all, c.issues...)
		for i, n := range c.skippedBy {
			if n > 0 {
				if st.skippedBy == nil {
					st.skippedBy = map[string]int64{}
				}
				st.skippedBy[m.rules[i]] += n
				st.skipped += n
			}
		}
	}
	sort.Slice(all, func(i, j int) bool { return all[i].row < all[j].row })
	logIssues(l.source, l.file, l.batchID, all)
	if err := l.addIssues(all); err != nil {
		return st, err
	}
	return st, nil
}

// afterStageRecord is a test hook called after each record reaches the staging table.
var afterStageRecord func()
