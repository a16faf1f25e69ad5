package pipeline

import (
	"os"
	"time"

	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"
)

// progressBar draws progress on a terminal for long inputs; nil otherwise.
func (in *ingester) progressBar(rr rowReader, label string) *progressbar.ProgressBar {
	if in.opt.NoProgress {
		return nil
	}
	w := in.opt.Progress
	if w == nil {
		if !term.IsTerminal(int(os.Stderr.Fd())) {
			return nil
		}
		w = os.Stderr
	}
	_, total := rr.Progress()
	if total <= 0 {
		return nil
	}
	isBytes := rr.ProgressInBytes()
	if isBytes && total < 8<<20 || !isBytes && total < 20000 {
		return nil // short inputs finish before a bar helps
	}
	return progressbar.NewOptions64(total, progressbar.OptionSetWriter(w), progressbar.OptionSetDescription(label),
		progressbar.OptionShowBytes(isBytes), progressbar.OptionThrottle(200*time.Millisecond),
		progressbar.OptionClearOnFinish(), progressbar.OptionSetWidth(30))
}
