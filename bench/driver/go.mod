module smtpprobe/bench/driver

go 1.21
