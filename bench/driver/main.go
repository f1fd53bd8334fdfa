// Command driver fires N HTTP GETs at one URL from C workers over keep-alive connections and prints
// one JSON line: rate, latency percentiles, failures. It exists to load blackbox_exporter's /probe
// endpoint without the client being the bottleneck, which curl in a shell loop would be.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

type result struct {
	Requests  int     `json:"requests"`
	Failed    int64   `json:"failed"`
	Seconds   float64 `json:"seconds"`
	Rate      float64 `json:"rate"`
	P50Ms     float64 `json:"p50Ms"`
	P99Ms     float64 `json:"p99Ms"`
	FirstFail string  `json:"firstFailure,omitempty"`
}

func main() {
	url := flag.String("url", "", "URL to GET")
	n := flag.Int("n", 1000, "total requests")
	c := flag.Int("c", 1, "concurrent workers")
	expect := flag.String("expect", "probe_success 1", "body substring that marks success")
	timeout := flag.Duration("timeout", 10*time.Second, "per-request timeout")
	flag.Parse()
	if *url == "" || *n < 1 || *c < 1 {
		flag.Usage()
		os.Exit(2)
	}

	client := &http.Client{
		Timeout: *timeout,
		Transport: &http.Transport{
			MaxIdleConns:        *c,
			MaxIdleConnsPerHost: *c,
			MaxConnsPerHost:     *c,
		},
	}
	latencies := make([]time.Duration, *n)
	var next, failed int64
	var firstFail atomic.Value
	var wg sync.WaitGroup
	start := time.Now()
	for w := 0; w < *c; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := atomic.AddInt64(&next, 1) - 1
				if i >= int64(*n) {
					return
				}
				t0 := time.Now()
				err := get(client, *url, *expect)
				latencies[i] = time.Since(t0)
				if err != nil {
					atomic.AddInt64(&failed, 1)
					firstFail.CompareAndSwap(nil, err.Error())
				}
			}
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)

	sort.Slice(latencies, func(a, b int) bool { return latencies[a] < latencies[b] })
	r := result{
		Requests: *n,
		Failed:   failed,
		Seconds:  elapsed.Seconds(),
		Rate:     float64(*n) / elapsed.Seconds(),
		P50Ms:    ms(percentile(latencies, 0.50)),
		P99Ms:    ms(percentile(latencies, 0.99)),
	}
	if f, ok := firstFail.Load().(string); ok {
		r.FirstFail = f
	}
	out, _ := json.Marshal(r)
	fmt.Println(string(out))
}

func get(client *http.Client, url, expect string) error {
	resp, err := client.Get(url)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return err
	}
	if resp.StatusCode != http.StatusOK || !strings.Contains(string(body), expect) {
		return fmt.Errorf("status %d, body lacks %q", resp.StatusCode, expect)
	}
	return nil
}

func percentile(sorted []time.Duration, q float64) time.Duration {
	return sorted[int(q*float64(len(sorted)-1))]
}

func ms(d time.Duration) float64 {
	return float64(d.Microseconds()) / 1000
}
