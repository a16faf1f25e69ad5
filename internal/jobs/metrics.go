package jobs

import (
	"net/http"
	"sort"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// metricsHandler serves /metrics: the xinfang_* series from status() plus the Go
// runtime (go_*: goroutines, GC, memory) and process (process_*: RSS, open FDs)
// collectors of client_golang. Each handler has its own registry, so several servers
// in one process (tests) do not collide.
func metricsHandler(status func() *Status) http.Handler {
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		statusCollector{status: status})
	return promhttp.HandlerFor(reg, promhttp.HandlerOpts{ErrorHandling: promhttp.ContinueOnError})
}

var (
	jobLabel    = []string{"job"}
	descLastOK  = prometheus.NewDesc("xinfang_job_last_success_timestamp_seconds", "Unix time the job last finished with status ok.", jobLabel, nil)
	descDur     = prometheus.NewDesc("xinfang_job_duration_seconds", "Duration of the job's last finished run (skipped runs excluded).", jobLabel, nil)
	descRowsIn  = prometheus.NewDesc("xinfang_job_rows_in", "Source rows read by the job's last finished run.", jobLabel, nil)
	descRowsOut = prometheus.NewDesc("xinfang_job_rows_out", "Mart rows written by the job's last finished run.", jobLabel, nil)
	descFail    = prometheus.NewDesc("xinfang_job_failures_total", "Runs of the job that failed, panicked or were interrupted by a crash (from job_runs).", jobLabel, nil)
	descRuns    = prometheus.NewDesc("xinfang_job_runs_total", "Runs of the job by status (from job_runs).", []string{"job", "status"}, nil)
	descNext    = prometheus.NewDesc("xinfang_job_next_run_timestamp_seconds", "Unix time of the job's next scheduled run.", jobLabel, nil)
	descRunning = prometheus.NewDesc("xinfang_job_running", "1 while the job is running.", jobLabel, nil)
	descRecords = prometheus.NewDesc("xinfang_source_records", "Petition records stored per source.", []string{"source"}, nil)
	descUpdated = prometheus.NewDesc("xinfang_source_updated_timestamp_seconds", "Unix time of the source's last successful load (sources.updated_at).", []string{"source"}, nil)
	// SPEC §10 early warning.
	descAlertsOpen    = prometheus.NewDesc("xinfang_alerts_open", "Early-warning alerts of the current alert week (SPEC §10), by level.", []string{"level"}, nil)
	descAlertFailures = prometheus.NewDesc("xinfang_alert_delivery_failures_total", "Alert deliveries that failed (each is retried on the next run), per sink.", []string{"sink"}, nil)
	descAlertPending  = prometheus.NewDesc("xinfang_alert_deliveries_pending", "Alerts not yet delivered, per sink.", []string{"sink"}, nil)
)

// statusCollector turns the scheduler's status snapshot into const metrics at scrape
// time (the snapshot is already in memory: a scrape never touches the database).
type statusCollector struct{ status func() *Status }

func (c statusCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{descLastOK, descDur, descRowsIn, descRowsOut, descFail, descRuns, descNext, descRunning, descRecords, descUpdated,
		descAlertsOpen, descAlertFailures, descAlertPending} {
		ch <- d
	}
}

func (c statusCollector) Collect(ch chan<- prometheus.Metric) {
	st := c.status()
	unix := func(t time.Time) float64 { return float64(t.UnixMilli()) / 1000 }
	gauge := func(d *prometheus.Desc, v float64, labels ...string) {
		ch <- prometheus.MustNewConstMetric(d, prometheus.GaugeValue, v, labels...)
	}
	counter := func(d *prometheus.Desc, v float64, labels ...string) {
		ch <- prometheus.MustNewConstMetric(d, prometheus.CounterValue, v, labels...)
	}
	for _, j := range st.Jobs {
		if j.LastOK != nil {
			gauge(descLastOK, unix(*j.LastOK), j.Job)
		}
		if j.LastDone != nil {
			gauge(descDur, j.LastDone.Duration().Seconds(), j.Job)
			gauge(descRowsIn, float64(j.LastDone.RowsIn), j.Job)
			gauge(descRowsOut, float64(j.LastDone.RowsOut), j.Job)
		}
		counter(descFail, float64(j.Failures()), j.Job)
		statuses := make([]string, 0, len(j.Runs))
		for s := range j.Runs {
			statuses = append(statuses, s)
		}
		sort.Strings(statuses)
		for _, s := range statuses {
			counter(descRuns, float64(j.Runs[s]), j.Job, s)
		}
		if j.Next != nil {
			gauge(descNext, unix(*j.Next), j.Job)
		}
		running := 0.0
		if st.Scheduler != nil && st.Scheduler.Running != nil && st.Scheduler.Running.Job == j.Job {
			running = 1
		}
		gauge(descRunning, running, j.Job)
	}
	for _, s := range st.Sources {
		gauge(descRecords, float64(s.Records), s.Source)
		if s.UpdatedAt != nil {
			gauge(descUpdated, unix(*s.UpdatedAt), s.Source)
		}
	}
	if a := st.Alerts; a != nil {
		for level, n := range a.Open {
			gauge(descAlertsOpen, float64(n), level)
		}
		for sink, n := range a.Failures {
			counter(descAlertFailures, float64(n), sink)
		}
		for sink, n := range a.Pending {
			gauge(descAlertPending, float64(n), sink)
		}
	}
}
