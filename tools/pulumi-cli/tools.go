//go:build tools

// Package tools pins the Pulumi CLI to the version of @pulumi/pulumi this project tests with.
// `go install github.com/pulumi/pulumi/pkg/v3/cmd/pulumi@v3.248.0` refuses to build it, because
// that module's go.mod holds replace directives; as a dependency of this module its replaces
// are ignored, so `go build github.com/pulumi/pulumi/pkg/v3/cmd/pulumi` works here (go.mod
// copies the one replace the CLI needs to compile).
package tools

import _ "github.com/pulumi/pulumi/pkg/v3/cmd/pulumi"
