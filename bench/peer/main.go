// Command peer is a loopback SMTP peer for the benchmarks that counts connections held at once.
//
//	-mode tarpit  accepts and stays silent until the client hangs up (banner-timeout scenario)
//	-mode smtp    a minimal polite MX: 220, 250 to EHLO/MAIL/RCPT, 221 to QUIT, each reply after
//	              -delay, so that connections overlap and a broken per-host limit would show
//
// On SIGTERM or SIGINT it prints one JSON line (connections accepted, most held at once) and exits.
//
// A connection counts as held from -grace after its accept until the client's end is seen closed.
// Without the grace, the goroutine that reads one connection's EOF can be scheduled after the
// accept of the client's next connection, and a client that keeps the limit exactly would be
// counted one over. A connection in smtp mode lives at least five reply delays, so a real excess
// connection overlaps by far more than the grace and is still counted.
package main

import (
	"bufio"
	"encoding/json"
	"flag"
	"fmt"
	"net"
	"os"
	"os/signal"
	"strings"
	"sync"
	"syscall"
	"time"
)

type stats struct {
	Mode          string `json:"mode"`
	Accepted      int64  `json:"accepted"`
	MaxConcurrent int64  `json:"maxConcurrent"`
}

type counter struct {
	mu       sync.Mutex
	grace    time.Duration
	accepted int64
	open     int64
	max      int64
}

type held struct {
	counted, closed bool
}

func (c *counter) opened() *held {
	h := &held{}
	c.mu.Lock()
	c.accepted++
	c.mu.Unlock()
	time.AfterFunc(c.grace, func() {
		c.mu.Lock()
		defer c.mu.Unlock()
		if h.closed {
			return
		}
		h.counted = true
		c.open++
		if c.open > c.max {
			c.max = c.open
		}
	})
	return h
}

func (c *counter) closed(h *held) {
	c.mu.Lock()
	h.closed = true
	if h.counted {
		c.open--
	}
	c.mu.Unlock()
}

func main() {
	addr := flag.String("addr", "127.0.0.1:2526", "loopback address to listen on")
	mode := flag.String("mode", "tarpit", "tarpit or smtp")
	delay := flag.Duration("delay", 0, "smtp mode: pause before each reply")
	grace := flag.Duration("grace", 2*time.Millisecond, "a connection counts from this long after its accept")
	flag.Parse()
	host, _, err := net.SplitHostPort(*addr)
	if err != nil || !net.ParseIP(host).IsLoopback() {
		fmt.Fprintln(os.Stderr, "peer: -addr must be a loopback IP and port")
		os.Exit(2)
	}
	if *mode != "tarpit" && *mode != "smtp" {
		fmt.Fprintln(os.Stderr, "peer: -mode must be tarpit or smtp")
		os.Exit(2)
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		fmt.Fprintln(os.Stderr, "peer:", err)
		os.Exit(1)
	}
	c := counter{grace: *grace}
	go func() {
		for {
			conn, err := ln.Accept()
			if err != nil {
				if strings.Contains(err.Error(), "closed") {
					return
				}
				// out of descriptors or similar: keep serving the connections already held
				time.Sleep(10 * time.Millisecond)
				continue
			}
			h := c.opened()
			go func() {
				defer conn.Close()
				defer c.closed(h)
				if *mode == "tarpit" {
					tarpit(conn)
				} else {
					converse(conn, *delay)
				}
			}()
		}
	}()
	signals := make(chan os.Signal, 1)
	signal.Notify(signals, syscall.SIGTERM, syscall.SIGINT)
	<-signals
	ln.Close()
	c.mu.Lock()
	out, _ := json.Marshal(stats{Mode: *mode, Accepted: c.accepted, MaxConcurrent: c.max})
	c.mu.Unlock()
	fmt.Println(string(out))
}

// tarpit holds the connection without a word until the client gives up.
func tarpit(conn net.Conn) {
	buf := make([]byte, 512)
	for {
		if _, err := conn.Read(buf); err != nil {
			return
		}
	}
}

func converse(conn net.Conn, delay time.Duration) {
	r := bufio.NewReader(conn)
	reply := func(text string) bool {
		if delay > 0 {
			time.Sleep(delay)
		}
		_, err := conn.Write([]byte(text))
		return err == nil
	}
	if !reply("220 peer.bench.test ESMTP\r\n") {
		return
	}
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			return
		}
		verb := strings.ToUpper(strings.TrimSpace(line))
		if i := strings.IndexAny(verb, " :"); i >= 0 {
			verb = verb[:i]
		}
		var ok bool
		switch verb {
		case "EHLO":
			ok = reply("250-peer.bench.test\r\n250-PIPELINING\r\n250 DSN\r\n")
		case "HELO", "MAIL", "RCPT", "RSET", "NOOP":
			ok = reply("250 ok\r\n")
		case "QUIT":
			if reply("221 bye\r\n") {
				// held until the client hangs up: that is when its per-host permit is free again
				r.ReadString('\n')
			}
			return
		default:
			ok = reply("502 not implemented\r\n")
		}
		if !ok {
			return
		}
	}
}
