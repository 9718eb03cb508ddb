package main

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"strings"

	"github.com/albatross-lb/albatross/internal/function/codedir"
	"github.com/albatross-lb/albatross/internal/reconcile"
	"github.com/albatross-lb/albatross/internal/state"

	"github.com/albatross-lb/albatross/internal/cluster"
)

// storeCredentialsEnv is read when --store-credentials is not given, so that etcd's password
// need not appear in the process list.
const storeCredentialsEnv = "ALBATROSS_STORE_CREDENTIALS"

// clusterFlags are serve's flags for running as one node of several (docs/cluster.md).
type clusterFlags struct {
	store, storeCA, storeCert, storeKey, storeCredentials string
	nodeName, bindAddress                                 string
}

func (c *clusterFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&c.store, "store", "", "keep the API's state in etcd at `etcd://HOST:PORT[,HOST:PORT...][/PREFIX]` (etcds:// for TLS) shared by every node")
	fs.StringVar(&c.storeCA, "store-ca", "", "CA certificate `file` (PEM) that etcd's certificate must chain to")
	fs.StringVar(&c.storeCert, "store-cert", "", "client certificate `file` (PEM) presented to etcd")
	fs.StringVar(&c.storeKey, "store-key", "", "private key `file` (PEM) of --store-cert")
	fs.StringVar(&c.storeCredentials, "store-credentials", "", "etcd `USER:PASSWORD` (or @FILE; default $ALBATROSS_STORE_CREDENTIALS, or the user in --store)")
	fs.StringVar(&c.nodeName, "node-name", "", "this node's `name` in metrics, logs and elections (default: the host name)")
	fs.StringVar(&c.bindAddress, "bind-address", "", "bind every listener to `IP` instead of the address it names")
}

// check validates the flags that need no connection.
func (c *clusterFlags) check() error {
	if c.bindAddress != "" && net.ParseIP(c.bindAddress) == nil {
		return fmt.Errorf("--bind-address %q is not an IP address", c.bindAddress)
	}
	if c.store == "" && (c.storeCA != "" || c.storeCert != "" || c.storeKey != "" || c.storeCredentials != "") {
		return errors.New("--store-ca, --store-cert, --store-key and --store-credentials need --store")
	}
	return nil
}

// node returns --node-name or the host name.
func (c *clusterFlags) node() string {
	if c.nodeName != "" {
		return c.nodeName
	}
	if h, err := os.Hostname(); err == nil && h != "" {
		return h
	}
	return "albatross"
}

// connect returns the etcd link of --store, nil without it.
func (c *clusterFlags) connect(log *slog.Logger) (*cluster.Cluster, error) {
	if c.store == "" {
		return nil, nil
	}
	st, err := cluster.ParseStore(c.store)
	if err != nil {
		return nil, err
	}
	user, password, err := readStoreCredentials(c.storeCredentials)
	if err != nil {
		return nil, err
	}
	if user != "" {
		st.User, st.Password = user, password
	}
	log.Info("cluster store", "store", st.Redacted(), "node", c.node())
	return cluster.Connect(cluster.Options{Store: st, Node: c.node(), Logger: log,
		TLS: cluster.TLSFiles{CA: c.storeCA, Cert: c.storeCert, Key: c.storeKey}})
}

// readStoreCredentials reads "USER:PASSWORD", "@FILE" holding that, or (when s is empty)
// $ALBATROSS_STORE_CREDENTIALS. Nothing at all returns empty strings.
func readStoreCredentials(s string) (user, password string, err error) {
	if s == "" {
		s = os.Getenv(storeCredentialsEnv)
	}
	if s == "" {
		return "", "", nil
	}
	if path, ok := strings.CutPrefix(s, "@"); ok {
		data, err := os.ReadFile(path)
		if err != nil {
			return "", "", fmt.Errorf("--store-credentials: %w", err)
		}
		s = strings.TrimSpace(string(data))
	}
	user, password, ok := strings.Cut(s, ":")
	if !ok || user == "" {
		return "", "", errors.New("--store-credentials must be USER:PASSWORD or @FILE holding that")
	}
	return user, password, nil
}

// stickinessKey is the cluster's shared key, or this node's from its data directory.
func stickinessKey(cl *cluster.Cluster, dataDir string) ([]byte, error) {
	own, err := reconcile.LoadStickinessKey(dataDir)
	if err != nil || cl == nil {
		return own, err
	}
	// A copy of the cluster's key lets a node restarted while etcd is away honour the cookies
	// the others set.
	copyPath := filepath.Join(dataDir, "cluster-"+reconcile.StickinessKeyFile)
	key, err := cl.StickinessKey(context.Background(), own)
	if errors.Is(err, state.ErrUnavailable) {
		if copied, rerr := os.ReadFile(copyPath); rerr == nil && len(copied) == len(own) {
			return copied, nil
		}
	}
	if err != nil {
		return nil, err
	}
	if err := os.WriteFile(copyPath, key, 0o600); err != nil {
		return nil, fmt.Errorf("keeping a copy of the cluster's stickiness key: %w", err)
	}
	return key, nil
}

// codeRoot is where uploaded function code is unpacked (package codedir).
func codeRoot(dataDir string) string { return filepath.Join(dataDir, "functions") }

// localizeCode makes the code folder of every API-made function in api this node's own: the
// folder another node unpacked the package into is named by the package's hash under this
// node's code root, and unpacked there from the cluster's copy when this node does not have it
// yet. The package is checked against its SHA-256 before it is unpacked.
func localizeCode(cl *cluster.Cluster, root string, log *slog.Logger) func(context.Context, *state.Resources) error {
	return func(ctx context.Context, api *state.Resources) error {
		for i := range api.Functions {
			fn := &api.Functions[i]
			if fn.Source != state.SourceAPI || fn.CodeSHA256 == "" {
				continue
			}
			sum, err := base64.StdEncoding.DecodeString(fn.CodeSHA256)
			if err != nil || len(sum) != sha256.Size {
				return fmt.Errorf("function %s: CodeSha256 %q is not a SHA-256", fn.Spec.FunctionName, fn.CodeSHA256)
			}
			dir := filepath.Join(root, fn.Spec.FunctionName, hex.EncodeToString(sum[:8]))
			if codedir.Check(dir) != nil {
				zipped, err := cl.GetCode(ctx, hex.EncodeToString(sum))
				if err != nil {
					return fmt.Errorf("function %s: %w", fn.Spec.FunctionName, err)
				}
				code, err := codedir.Unpack(root, fn.Spec.FunctionName, zipped)
				if err != nil {
					return fmt.Errorf("function %s: %w", fn.Spec.FunctionName, err)
				}
				log.Info("function code fetched from the cluster", "function", fn.Spec.FunctionName, "sha256", fn.CodeSHA256, "dir", code.Dir)
				dir = code.Dir
			}
			fn.Spec.Code = dir
		}
		return nil
	}
}

// nodeName is the node's name in a cluster, "" for a node alone.
func nodeName(cl *cluster.Cluster) string {
	if cl == nil {
		return ""
	}
	return cl.Node()
}

// nodeIP is the address a cluster node's log files carry in their names when it binds no
// address of its own: the host's first global unicast address, IPv4 first, as an ALB node's
// files carry the node's private address (LOG-01). A node alone, or one without such an
// address, keeps the default (--bind-address or 127.0.0.1).
func nodeIP(cl *cluster.Cluster, bindAddress string) string {
	if cl == nil || bindAddress != "" {
		return ""
	}
	addrs, err := net.InterfaceAddrs()
	if err != nil {
		return ""
	}
	return firstGlobalIP(addrs)
}

// firstGlobalIP returns the first global unicast IPv4 address of addrs, else the first such
// IPv6 address, else "".
func firstGlobalIP(addrs []net.Addr) string {
	var v6 string
	for _, a := range addrs {
		n, ok := a.(*net.IPNet)
		if !ok || !n.IP.IsGlobalUnicast() {
			continue
		}
		if n.IP.To4() != nil {
			return n.IP.String()
		}
		if v6 == "" {
			v6 = n.IP.String()
		}
	}
	return v6
}
