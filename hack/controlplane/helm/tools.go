//go:build tools

// Anchors the helm command so `go mod tidy` keeps its whole dependency graph.
package tools

import _ "helm.sh/helm/v3/cmd/helm"
