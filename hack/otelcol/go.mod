module smtpprobe.test/otelcol

go 1.26
