// Command pulumi-language-nodejs is this repository's STAND-IN for Pulumi's Node.js language
// host, built beside the real Pulumi CLI by `npm run pulumi-cli`.
//
// Why it exists: the real host is its own Go module
// (github.com/pulumi/pulumi/sdk/nodejs/cmd/pulumi-language-nodejs/v3) with no version tags,
// and the module proxy this project's machines can reach does not serve it at any version.
// A user with a Pulumi install uses the real host that came with it (PULUMI_CLI=/path/to/pulumi).
//
// What it does: the CLI asks a language host to run the program; everything else (the engine,
// state, secrets, diffs, the dynamic-provider plugin) stays the real CLI's. This host starts
// the program the way the real one does: `node <@pulumi/pulumi/cmd/run> --monitor ... <entry>`
// from the program's directory, with the stack config in PULUMI_CONFIG and
// PULUMI_CONFIG_SECRET_KEYS and the project's TypeScript options in PULUMI_NODEJS_*, so the
// SDK's own run script (ts-node, closure serialization, exit codes) does the rest.
//
// What it leaves out, knowingly: the real host sits between the program and the engine's
// resource monitor and serves synchronous invokes through pipes (`--sync`); this one hands
// the program the engine's monitor address directly, so only the deprecated synchronous
// invokes are missing (the examples make none). It reports no required plugins (the real
// host lists node_modules packages marked `pulumi.resource`, and this project has none), and
// it implements neither `pulumi install`, `pulumi new`, `pulumi about` nor debugging.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"

	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"google.golang.org/grpc"
	"google.golang.org/protobuf/types/known/emptypb"
)

// version is the @pulumi/pulumi release whose host protocol this stand-in follows; the build
// stamps it with -ldflags "-X main.version=...".
var version = "dev"

// userActionableExitCode is the run script's exit code for "the error was already shown to
// the user": the engine should stop without printing anything more.
const userActionableExitCode = 32

type host struct {
	pulumirpc.UnimplementedLanguageRuntimeServer

	mu            sync.Mutex
	engineAddress string
}

func main() {
	// The CLI starts a host as `<host> [logging flags] <engine address>`: the address comes last.
	h := &host{}
	if len(os.Args) > 1 {
		h.engineAddress = os.Args[len(os.Args)-1]
	}

	listener, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fmt.Fprintf(os.Stderr, "pulumi-language-nodejs (stand-in): cannot listen: %v\n", err)
		os.Exit(1)
	}
	server := grpc.NewServer(grpc.MaxRecvMsgSize(400 * 1024 * 1024))
	pulumirpc.RegisterLanguageRuntimeServer(server, h)

	// The CLI reads the port from the first line of stdout.
	fmt.Printf("%d\n", listener.Addr().(*net.TCPAddr).Port)
	if err := server.Serve(listener); err != nil {
		fmt.Fprintf(os.Stderr, "pulumi-language-nodejs (stand-in): %v\n", err)
		os.Exit(1)
	}
}

func (h *host) Handshake(_ context.Context, req *pulumirpc.LanguageHandshakeRequest) (*pulumirpc.LanguageHandshakeResponse, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.engineAddress = req.GetEngineAddress()
	return &pulumirpc.LanguageHandshakeResponse{}, nil
}

func (h *host) GetPluginInfo(context.Context, *emptypb.Empty) (*pulumirpc.PluginInfo, error) {
	return &pulumirpc.PluginInfo{Version: version}, nil
}

func (h *host) GetRequiredPackages(context.Context, *pulumirpc.GetRequiredPackagesRequest) (*pulumirpc.GetRequiredPackagesResponse, error) {
	return &pulumirpc.GetRequiredPackagesResponse{}, nil
}

func (h *host) GetRequiredPlugins(context.Context, *pulumirpc.GetRequiredPluginsRequest) (*pulumirpc.GetRequiredPluginsResponse, error) {
	return &pulumirpc.GetRequiredPluginsResponse{}, nil
}

// Run starts the program and waits for it. A program that fails is an answer (RunResponse's
// Error or Bail), not an RPC error: the engine shows it as the program's failure.
func (h *host) Run(ctx context.Context, req *pulumirpc.RunRequest) (*pulumirpc.RunResponse, error) {
	info := req.GetInfo()
	if info == nil {
		return nil, errors.New("RunRequest carries no program info (this stand-in needs a CLI of 3.100 or later)")
	}
	options := info.GetOptions().AsMap()

	node, err := exec.LookPath("node")
	if err != nil {
		return &pulumirpc.RunResponse{Error: "could not find node on the $PATH: " + err.Error()}, nil
	}
	// The SDK installed beside the program runs it, as with the real host: its version
	// decides how the program is loaded, not ours.
	runScript, err := resolveRunScript(ctx, node, info.GetProgramDirectory())
	if err != nil {
		return &pulumirpc.RunResponse{Error: err.Error()}, nil
	}
	config, secretKeys, err := configEnvironment(req.GetConfig(), req.GetConfigSecretKeys())
	if err != nil {
		return &pulumirpc.RunResponse{Error: err.Error()}, nil
	}

	env := append(os.Environ(), "PULUMI_CONFIG="+config, "PULUMI_CONFIG_SECRET_KEYS="+secretKeys)
	// Pulumi.yaml's `runtime.options`: TypeScript is on unless the project turns it off.
	if typescript, set := options["typescript"].(bool); !set || typescript {
		env = append(env, "PULUMI_NODEJS_TYPESCRIPT=true")
	}
	if tsconfig, _ := options["tsconfig"].(string); tsconfig != "" {
		env = append(env, "PULUMI_NODEJS_TSCONFIG_PATH="+tsconfig)
	}
	nodeArgs, _ := options["nodeargs"].(string)

	h.mu.Lock()
	engine := h.engineAddress
	h.mu.Unlock()
	args := append(strings.Fields(nodeArgs), runArguments(req, runScript, engine)...)

	cmd := exec.CommandContext(ctx, node, args...)
	cmd.Env = env
	cmd.Dir = info.GetProgramDirectory()
	// Wrapped so that exec copies through a pipe: Node may switch a stdio descriptor it was
	// handed to non-blocking mode, which would then break the CLI's own writes to it.
	cmd.Stdout = struct{ io.Writer }{os.Stdout}
	cmd.Stderr = struct{ io.Writer }{os.Stderr}
	err = cmd.Run()
	var exit *exec.ExitError
	switch {
	case err == nil:
		return &pulumirpc.RunResponse{}, nil
	case errors.As(err, &exit) && exit.ExitCode() == userActionableExitCode:
		return &pulumirpc.RunResponse{Bail: true}, nil
	case errors.As(err, &exit):
		return &pulumirpc.RunResponse{Error: fmt.Sprintf("Program exited with non-zero exit code: %d", exit.ExitCode())}, nil
	default:
		return &pulumirpc.RunResponse{Error: "could not run the program: " + err.Error()}, nil
	}
}

// resolveRunScript finds `@pulumi/pulumi/cmd/run` as Node resolves it from the program's
// directory (PULUMI_LANGUAGE_NODEJS_RUN_PATH overrides the module name, as for the real host).
func resolveRunScript(ctx context.Context, node, programDirectory string) (string, error) {
	module := os.Getenv("PULUMI_LANGUAGE_NODEJS_RUN_PATH")
	if module == "" {
		module = "@pulumi/pulumi/cmd/run"
	}
	cmd := exec.CommandContext(ctx, node, "-e", "process.stdout.write(require.resolve(process.argv[1]))", module)
	cmd.Dir = programDirectory
	out, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf("It looks like the Pulumi SDK has not been installed in %s (cannot resolve %s): %w", programDirectory, module, err)
	}
	return string(out), nil
}

// runArguments is the run script's command line; its flags are those the script's usage lists.
func runArguments(req *pulumirpc.RunRequest, runScript, engine string) []string {
	args := []string{runScript}
	flag := func(name, value string) {
		if value != "" {
			args = append(args, "--"+name, value)
		}
	}
	flag("monitor", req.GetMonitorAddress())
	flag("engine", engine)
	flag("organization", req.GetOrganization())
	flag("project", req.GetProject())
	flag("root-directory", req.GetInfo().GetRootDirectory())
	flag("stack", req.GetStack())
	flag("pwd", req.GetInfo().GetProgramDirectory())
	if req.GetDryRun() {
		args = append(args, "--dry-run")
	}
	flag("parallel", strconv.Itoa(int(req.GetParallel())))
	// "." lets the run script find the entry point in package.json, as `main` says.
	args = append(args, req.GetInfo().GetEntryPoint())
	return append(args, req.GetArgs()...)
}

// configEnvironment encodes stack config as the SDK reads it. Keys go in the older
// `<namespace>:config:<name>` form, which every SDK release reads (the real host does the same).
func configEnvironment(config map[string]string, secretKeys []string) (string, string, error) {
	legacy := make(map[string]string, len(config))
	for key, value := range config {
		namespace, name, ok := strings.Cut(key, ":")
		if !ok {
			return "", "", fmt.Errorf("config key %q has no namespace", key)
		}
		legacy[namespace+":config:"+name] = value
	}
	if secretKeys == nil {
		secretKeys = []string{}
	}
	configJSON, err := json.Marshal(legacy)
	if err != nil {
		return "", "", err
	}
	secretsJSON, err := json.Marshal(secretKeys)
	return string(configJSON), string(secretsJSON), err
}
