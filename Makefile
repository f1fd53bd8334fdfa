# Every target installs what it needs, idempotently: a fresh machine needs only `make run` or `make test`.
SHELL := /bin/bash
MVN ?= mvn -B -ntp
# Built tools (kube-apiserver, helm) are cached outside the repository and survive `git clean`.
export SMTPPROBE_CACHE ?= $(HOME)/.cache/smtp-probe-operator

.PHONY: all build unit test e2e deps controlplane image deploy run bench crds clean

all: build

deps:
	bash hack/install-deps.sh

controlplane: deps
	bash hack/build-controlplane.sh

build:
	$(MVN) package -DskipTests

# The fast tier: untagged tests only, all in-process (no Postfix, dnsmasq, API server or scripted peers), so no deps.
unit:
	$(MVN) test -DexcludedTestGroups=peers,real,e2e,bench

test: deps controlplane
	$(MVN) verify

# Only the e2e tier: the e2e package's unit tests, then the *IT tests against the packaged jar.
e2e: deps controlplane
	$(MVN) verify -Dtest='io/smtpprobe/e2e/*Test' -Dsurefire.failIfNoSpecifiedTests=false

# The operator image, daemonless (hack/image.sh): target/image/smtp-probe-operator.tar and its tag in target/image/ref.
image: deps build
	bash hack/image.sh

# The image into the current kube context (kind, minikube, or IMAGE_REGISTRY=... to push), then helm upgrade --install.
deploy: deps controlplane image
	bash hack/deploy.sh

# stdout carries one line, `export KUBECONFIG=...` (so `eval "$(SMTPPROBE_RUN_DETACH=true make run)"` works):
# the builds before it write to stderr.
run:
	@$(MAKE) --no-print-directory deps controlplane build >&2
	@bash hack/run.sh

bench: deps controlplane build
	bash hack/bench.sh

# Regenerates crds/ from the Java model (io.smtpprobe.api.v1alpha1) and copies it into the chart; tests fail when either is stale.
crds:
	$(MVN) -q process-classes test -Dtest=CustomResourceDefinitionTest -Dcrds.update=true
	cp crds/*.yml helm/smtp-probe-operator/crds/

clean:
	$(MVN) clean
