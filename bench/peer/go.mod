module smtpprobe/bench/peer

go 1.21
