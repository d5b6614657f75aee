// Package testenv starts the real parts integration tests run against: a throw-away
// PostgreSQL cluster, a Temporal dev server and a Mailpit SMTP server. Nothing is mocked and nothing is skipped: when
// a part is missing the test fails and says how to install it (`make test` installs it).
package testenv

import (
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/converter"
	"go.temporal.io/sdk/testsuite"

	"karso.ru/prm/temporalcodec"
)

// TemporalVersion is the pinned Temporal CLI the dev server comes from (see scripts/lib.sh).
const TemporalVersion = "v1.5.1"

// Postgres is a private PostgreSQL cluster in a temporary directory.
type Postgres struct {
	dir, bin string
	Port     int
}

// StartPostgres creates and starts a cluster tuned for tests (no fsync).
func StartPostgres() (*Postgres, error) {
	bin, err := pgBinDir()
	if err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp("", "karso-pg-")
	if err != nil {
		return nil, err
	}
	p := &Postgres{dir: dir, bin: bin}
	if err := p.chownToPostgres(); err != nil {
		return nil, err
	}
	data := filepath.Join(dir, "data")
	if out, err := p.run("initdb", "-D", data, "-U", "karso", "-A", "trust", "-E", "UTF8", "--locale=C.UTF-8"); err != nil {
		return nil, fmt.Errorf("initdb: %w: %s", err, out)
	}
	if p.Port, err = FreePort(); err != nil {
		return nil, err
	}
	opts := fmt.Sprintf("-p %d -k %s -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200", p.Port, dir)
	if out, err := p.run("pg_ctl", "-D", data, "-l", filepath.Join(dir, "server.log"), "-w", "-t", "60", "-o", opts, "start"); err != nil {
		return nil, fmt.Errorf("pg_ctl start: %w: %s", err, out)
	}
	return p, nil
}

// CreateDatabase makes a new empty database and returns its URL.
func (p *Postgres) CreateDatabase(name string) (string, error) {
	if out, err := p.run("createdb", "-h", "127.0.0.1", "-p", strconv.Itoa(p.Port), "-U", "karso", name); err != nil {
		return "", fmt.Errorf("createdb %s: %w: %s", name, err, out)
	}
	return fmt.Sprintf("postgres://karso@127.0.0.1:%d/%s?sslmode=disable", p.Port, name), nil
}

// Stop shuts the cluster down and removes its files.
func (p *Postgres) Stop() {
	_, _ = p.run("pg_ctl", "-D", filepath.Join(p.dir, "data"), "-m", "immediate", "-w", "stop")
	_ = os.RemoveAll(p.dir)
}

func (p *Postgres) run(tool string, args ...string) ([]byte, error) {
	path := filepath.Join(p.bin, tool)
	var cmd *exec.Cmd
	if os.Geteuid() == 0 {
		// PostgreSQL refuses to run as root; Debian's package provides the postgres user
		cmd = exec.Command("runuser", append([]string{"-u", "postgres", "--", path}, args...)...)
	} else {
		cmd = exec.Command(path, args...)
	}
	return cmd.CombinedOutput()
}

func (p *Postgres) chownToPostgres() error {
	if os.Geteuid() != 0 {
		return nil
	}
	u, err := user.Lookup("postgres")
	if err != nil {
		return fmt.Errorf("running as root needs the postgres system user (apt-get install postgresql): %w", err)
	}
	uid, _ := strconv.Atoi(u.Uid)
	gid, _ := strconv.Atoi(u.Gid)
	return os.Chown(p.dir, uid, gid)
}

func pgBinDir() (string, error) {
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	sort.Strings(dirs)
	for i := len(dirs) - 1; i >= 0; i-- {
		if _, err := os.Stat(filepath.Join(dirs[i], "initdb")); err == nil {
			return dirs[i], nil
		}
	}
	if p, err := exec.LookPath("initdb"); err == nil {
		return filepath.Dir(p), nil
	}
	return "", fmt.Errorf("PostgreSQL server binaries (initdb) not found: run `make test`, which installs Debian's postgresql package")
}

// FreePort asks the kernel for a free TCP port on the loopback.
func FreePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// TemporalBin finds the pinned Temporal CLI: $KARSO_TEMPORAL_BIN, else the project's tools
// folder.
func TemporalBin() (string, error) {
	if p := os.Getenv("KARSO_TEMPORAL_BIN"); p != "" {
		return p, nil
	}
	p := filepath.Join(toolsDir(), "temporal@"+TemporalVersion, "temporal")
	if _, err := os.Stat(p); err != nil {
		return "", fmt.Errorf("Temporal CLI %s not found at %s: run `make test` (or `make tools`), which installs it", TemporalVersion, p)
	}
	return p, nil
}

// PayloadKeys is the PAYLOAD_KEYS value of the tests: a fixed key, so the tests run the
// encrypted path and histories they record replay with PayloadCodec. Never use it elsewhere.
const PayloadKeys = "karso-test-1:iLi83Qdaqi73Kuf+bgYsvcDr9TNH1vop+Mu7cyyIiDk="

// PayloadCodec is the codec of PayloadKeys.
func PayloadCodec() *temporalcodec.Codec {
	ring, err := temporalcodec.ParseKeys(PayloadKeys)
	if err != nil {
		panic(err)
	}
	c, err := temporalcodec.New(ring)
	if err != nil {
		panic(err)
	}
	return c
}

// DataConverter is the data converter every test's Temporal client uses, as `karso` does:
// payloads sealed with PayloadKeys. A replayer of recorded histories needs it too
// (worker.WorkflowReplayerOptions{DataConverter: testenv.DataConverter(), FailureConverter:
// testenv.FailureConverter()}); it reads plaintext histories as well.
func DataConverter() converter.DataConverter {
	return temporalcodec.DataConverter(PayloadCodec())
}

// FailureConverter seals failures' messages with PayloadKeys, as `karso` does.
func FailureConverter() converter.FailureConverter {
	return temporalcodec.FailureConverter(PayloadCodec())
}

// ClientOptions are the options of a test's own Temporal client (one dialled to a dev server
// beside the one Client() returns): the namespace and the test key's converters.
func ClientOptions(hostPort string) client.Options {
	return temporalcodec.WithCodec(client.Options{HostPort: hostPort, Namespace: "default"}, PayloadCodec())
}

// SearchAttributes are the custom search attributes Karso's workflows set, as the dev
// server's --search-attribute flag takes them (scripts/lib.sh registers the same).
var SearchAttributes = []string{"ContractNumber=Keyword", "PartnerID=Int", "SaleStatus=Keyword"}

// StartTemporal starts a Temporal dev server (in memory) from the pinned CLI, with Karso's
// search attributes registered. Its Client() seals payloads with PayloadKeys.
func StartTemporal(ctx context.Context) (*testsuite.DevServer, error) {
	bin, err := TemporalBin()
	if err != nil {
		return nil, err
	}
	// a deleted workflow is gone only once the history service's queue ack level passes its
	// close; the default 30 s between ack updates would make a deletion test wait for it
	args := []string{"--dynamic-config-value", "history.transferProcessorUpdateAckInterval=\"1s\""}
	for _, sa := range SearchAttributes {
		args = append(args, "--search-attribute", sa)
	}
	opts := ClientOptions("") // StartDevServer picks a free port
	ctx, cancel := context.WithTimeout(ctx, 90*time.Second)
	defer cancel()
	return testsuite.StartDevServer(ctx, testsuite.DevServerOptions{
		ExistingPath:  bin,
		LogLevel:      "error",
		ClientOptions: &opts,
		ExtraArgs:     args,
	})
}

// DatabaseName turns a test package name into a database name.
func DatabaseName(s string) string {
	return "t_" + strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
			return r
		}
		return '_'
	}, strings.ToLower(s))
}
