//go:build tools

// Package tools pins kwok, built by tools/kube/build.sh from sigs.k8s.io/kwok/cmd/kwok.
package tools

import (
	_ "sigs.k8s.io/kwok/cmd/kwok"
)
