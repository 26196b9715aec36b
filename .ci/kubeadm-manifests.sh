#!/usr/bin/env bash
# Regenerates the kubeadm static pod manifests of the real-world corpus
# (plumbline-library/src/test/resources/corpus/kubeadm-*/, see the README there) with real kubeadm,
# at the Kubernetes version .ci/kube-apiserver/go.mod pins. kubeadm is built in a throwaway
# directory from a copy of that go.mod, completed by `go mod tidy` through the Go module proxy
# (needs Go >= 1.26 and the proxy; a few minutes the first time). The manifests are written by a
# dry run into the corpus folders, not into /etc/kubernetes; nothing else on the machine changes.
# Review `git diff` afterwards: the README lists every file's sha256.
#
#   .ci/kubeadm-manifests.sh
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
corpus=$here/../plumbline-library/src/test/resources/corpus
version=$(awk '$1 == "require" && $2 == "k8s.io/kubernetes" { print $3; exit }' "$here/kube-apiserver/go.mod")
[ -n "$version" ] || { echo "no k8s.io/kubernetes version in .ci/kube-apiserver/go.mod" >&2; exit 1; }
minor=${version#v1.}; minor=${minor%%.*}

work=$(mktemp -d /tmp/kubeadm-build.XXXXXX)
trap 'rm -rf "$work"' EXIT
cp "$here/kube-apiserver/go.mod" "$here/kube-apiserver/go.sum" "$work/"
printf '//go:build tools\npackage tools\n\nimport _ "k8s.io/kubernetes/cmd/kubeadm"\n' > "$work/tools.go"
ldflags="-s -w"
for p in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
  ldflags+=" -X $p.gitVersion=$version -X $p.gitMajor=1 -X $p.gitMinor=$minor -X $p.gitTreeState=clean"
done
(
  cd "$work"
  go mod tidy
  CGO_ENABLED=0 GOFLAGS=-mod=mod go build -trimpath -ldflags "$ldflags" -o kubeadm k8s.io/kubernetes/cmd/kubeadm
) >&2
"$work/kubeadm" version -o short >&2

for dir in "$corpus"/kubeadm-*/; do
  out=$(mktemp -d "$work/out.XXXXXX")
  KUBEADM_INIT_DRYRUN_DIR=$out "$work/kubeadm" init phase control-plane all \
    --config "$dir/kubeadm-init.conf" --dry-run >/dev/null
  KUBEADM_INIT_DRYRUN_DIR=$out "$work/kubeadm" init phase etcd local \
    --config "$dir/kubeadm-init.conf" --dry-run >/dev/null
  for f in etcd kube-apiserver kube-controller-manager kube-scheduler; do
    cp "$out/$f.yaml" "$dir/$f.yaml"
    chmod 644 "$dir/$f.yaml"
  done
  echo "regenerated $(basename "$dir")" >&2
done
