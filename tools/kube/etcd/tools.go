//go:build tools

// Package tools pins the etcd server: the root package of go.etcd.io/etcd/server/v3
// is the `etcd` binary's main (a wrapper of etcdmain.Main).
package tools

import (
	_ "go.etcd.io/etcd/server/v3"
)
