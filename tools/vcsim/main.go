// Command vcsim starts govmomi's vCenter simulator (govmomi 0.24) with Layershift's datacenter
// model and the extensions described in README.md. Build:
//
//	GO111MODULE=off GOPATH=/usr/share/gocode go build -o bin/vcsim .
package main

import (
	"context"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/tls"
	"flag"
	"fmt"
	"log"
	"net/http"
	"net/url"
	"os"
	"os/signal"
	"runtime/pprof"
	"strings"
	"syscall"
	"time"

	"github.com/vmware/govmomi/simulator"
	_ "github.com/vmware/govmomi/vapi/simulator"
	"github.com/vmware/govmomi/vim25"
)

type config struct {
	listen       string
	clusters     int
	hosts        int
	vms          int
	totalVms     int
	standalone   int
	datastores   int
	username     string
	password     string
	useTLS       bool
	topologyFile string
	taskDelay    int
	noTags       bool
	trace        bool
	datastoreDir string
}

func envOr(key, def string) string {
	if v := os.Getenv(key); v != "" {
		return v
	}
	return def
}

func main() {
	var cfg config
	flag.StringVar(&cfg.listen, "listen", "127.0.0.1:18989", "address to listen on (port 0 picks a free port)")
	flag.IntVar(&cfg.clusters, "clusters", 2, "clusters in the datacenter")
	flag.IntVar(&cfg.hosts, "hosts", 4, "hosts per cluster")
	flag.IntVar(&cfg.vms, "vms", 4, "VMs per host")
	flag.IntVar(&cfg.totalVms, "total-vms", -1, "exactly this many VMs in all, spread over the hosts in name order (the first hosts get one more); overrides -vms")
	flag.IntVar(&cfg.standalone, "standalone", 0, "standalone hosts (outside clusters), each with -vms VMs")
	flag.IntVar(&cfg.datastores, "datastores", 2, "shared datastores mounted on every host")
	flag.StringVar(&cfg.username, "username", envOr("VCSIM_USERNAME", "user"), "login user name (env VCSIM_USERNAME)")
	flag.StringVar(&cfg.password, "password", envOr("VCSIM_PASSWORD", "pass"), "login password (env VCSIM_PASSWORD)")
	flag.BoolVar(&cfg.useTLS, "tls", false, "serve HTTPS with a self-signed certificate")
	flag.StringVar(&cfg.topologyFile, "topology-file", "", "also write the power topology sidecar JSON to this path")
	flag.IntVar(&cfg.taskDelay, "task-delay", 0, "default duration in ms of relocate/migrate/maintenance tasks (queued->running->success)")
	flag.BoolVar(&cfg.noTags, "no-tags", false, "do not create the Layershift.Layer tag category and tags")
	flag.BoolVar(&cfg.trace, "trace", false, "log SOAP traffic to stderr")
	flag.StringVar(&cfg.datastoreDir, "datastore-dir", "", "parent directory of the datastore temp dirs (default /dev/shm when writable, else $TMPDIR)")
	flag.Parse()

	if err := run(cfg); err != nil {
		log.Fatalf("vcsim: %v", err)
	}
}

func run(cfg config) error {
	started := time.Now()
	if path := os.Getenv("VCSIM_CPUPROFILE"); path != "" {
		f, err := os.Create(path)
		if err == nil {
			_ = pprof.StartCPUProfile(f)
			defer pprof.StopCPUProfile()
		}
	}
	simulator.Trace = cfg.trace

	// Datastores are temp directories with a few files per VM; on a slow disk that dominates
	// start-up at scale, so prefer tmpfs.
	if cfg.datastoreDir != "" {
		_ = os.Setenv("TMPDIR", cfg.datastoreDir)
	} else if st, err := os.Stat("/dev/shm"); err == nil && st.IsDir() && syscall.Access("/dev/shm", 2) == nil {
		_ = os.Setenv("TMPDIR", "/dev/shm")
	}

	model := simulator.VPX()
	model.Datacenter = 1
	model.Cluster = cfg.clusters
	model.ClusterHost = cfg.hosts
	model.Host = cfg.standalone
	model.Datastore = cfg.datastores // mounted on every host of the datacenter
	model.Machine = 0                // VMs are placed per host by buildInventory
	model.Portgroup = 1

	if err := model.Create(); err != nil {
		return fmt.Errorf("create model: %w", err)
	}
	log.Printf("vcsim: model created in %s", time.Since(started))
	defer model.Remove()

	// Before any VM exists: the EventHistoryCollector cursor needs every event (eventlog.go).
	if err := startEventLog(); err != nil {
		return fmt.Errorf("event log: %w", err)
	}

	ctx := context.Background()
	client, err := vim25.NewClient(ctx, model.Service)
	if err != nil {
		return err
	}
	inv, err := buildInventory(ctx, client, cfg)
	if err != nil {
		return fmt.Errorf("build inventory: %w", err)
	}

	log.Printf("vcsim: inventory built in %s", time.Since(started))
	if os.Getenv("VCSIM_CPUPROFILE") != "" {
		pprof.StopCPUProfile()
	}
	if cfg.useTLS {
		model.Service.TLS = new(tls.Config)
	}
	model.Service.RegisterEndpoints = true
	listen := &url.URL{Host: cfg.listen, User: url.UserPassword(cfg.username, cfg.password)}
	model.Service.Listen = listen

	ext := newExtensions(cfg, inv)
	ext.install(model.Service)

	srv := model.Service.NewServer()
	defer srv.Close()
	// Every request goes through our middleware first (fault injection, session invalidation,
	// routing of overridden methods). No client can know the address before we print it below.
	srv.Config.Handler = ext.middleware(srv.Config.Handler)

	log.Printf("vcsim: server started in %s", time.Since(started))
	if err := ext.afterStart(srv); err != nil {
		return err
	}

	u := *srv.URL
	u.User = url.UserPassword(cfg.username, cfg.password)
	base := fmt.Sprintf("%s://%s", u.Scheme, u.Host)
	fmt.Printf("VCSIM_URL=%s\n", u.String())
	fmt.Printf("VCSIM_BASE_URL=%s\n", base)
	fmt.Printf("VCSIM_CONTROL_URL=%s/layershift\n", base)
	fmt.Printf("VCSIM_USERNAME=%s\n", cfg.username)
	fmt.Printf("VCSIM_PASSWORD=%s\n", cfg.password)
	if cfg.useTLS {
		cert := srv.Certificate()
		fmt.Printf("VCSIM_THUMBPRINT_SHA1=%s\n", thumb(sha1Sum(cert.Raw)))
		fmt.Printf("VCSIM_THUMBPRINT_SHA256=%s\n", thumb(sha256Sum(cert.Raw)))
	}
	fmt.Printf("VCSIM_INVENTORY=hosts=%d vms=%d clusters=%d datastores=%d\n",
		len(inv.hosts), len(inv.vms), cfg.clusters, cfg.datastores)
	fmt.Printf("VCSIM_TAGGED_VMS=%d\n", ext.taggedVMs)
	fmt.Printf("VCSIM_STARTUP_MS=%d\n", time.Since(started).Milliseconds())
	fmt.Println("VCSIM_READY=1")
	_ = os.Stdout.Sync()

	sig := make(chan os.Signal, 1)
	signal.Notify(sig, syscall.SIGINT, syscall.SIGTERM)
	<-sig
	return nil
}

func sha1Sum(b []byte) []byte   { s := sha1.Sum(b); return s[:] }
func sha256Sum(b []byte) []byte { s := sha256.Sum256(b); return s[:] }

func thumb(sum []byte) string {
	parts := make([]string, len(sum))
	for i, b := range sum {
		parts[i] = fmt.Sprintf("%02X", b)
	}
	return strings.Join(parts, ":")
}

var _ = http.StatusOK
