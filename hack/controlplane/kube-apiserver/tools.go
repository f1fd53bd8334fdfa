//go:build tools

// Anchors the commands this module builds so `go mod tidy` keeps their whole dependency graph;
// kubectl is only built when the system has no kubectl of the matching minor version. The node
// (kubelet) and its controllers (kube-controller-manager, kube-scheduler) run the operator's pod.
package tools

import (
	_ "k8s.io/kubernetes/cmd/kube-apiserver"
	_ "k8s.io/kubernetes/cmd/kube-controller-manager"
	_ "k8s.io/kubernetes/cmd/kube-scheduler"
	_ "k8s.io/kubernetes/cmd/kubectl"
	_ "k8s.io/kubernetes/cmd/kubelet"
)
