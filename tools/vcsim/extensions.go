package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"html"
	"io"
	"io/ioutil"
	"log"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/vmware/govmomi/simulator"
	"github.com/vmware/govmomi/vim25/types"
)

// extensions holds Layershift's additions to the simulator: control endpoints, fault injection,
// overridden methods. See README.md.
type extensions struct {
	cfg  config
	inv  *inventory
	topo *topology

	maintenanceTimeout time.Duration

	mu            sync.Mutex
	delay         time.Duration
	failNext      map[string][]faultSpec // VM moref value -> queued faults
	sdkFailures   int
	sdkStatus     int
	knownSessions map[string]bool
	revoked       map[string]bool
	sdkRequests   int64
	taggedVMs     int // VMs with a Layershift.Layer tag attached (read back at start-up)
}

type faultSpec struct {
	Fault   string `json:"fault"`
	Message string `json:"message"`
}

func newExtensions(cfg config, inv *inventory) *extensions {
	return &extensions{
		cfg: cfg, inv: inv,
		delay:              time.Duration(cfg.taskDelay) * time.Millisecond,
		maintenanceTimeout: 10 * time.Minute,
		failNext:           map[string][]faultSpec{},
		knownSessions:      map[string]bool{},
		revoked:            map[string]bool{},
	}
}

func (x *extensions) taskDelay() time.Duration {
	x.mu.Lock()
	defer x.mu.Unlock()
	return x.delay
}

// install runs before the server starts: object overrides and additions, host configuration.
func (x *extensions) install(svc *simulator.Service) {
	fixEventTemplates()
	configureHosts(x.inv)
	fixDatastoreHosts()
	for _, vm := range x.inv.vms {
		simulator.Map.Put(&vmProxy{Self: types.ManagedObjectReference{Type: "LayershiftVM", Value: vm.Ref.Value}, vm: vm.Ref, x: x})
	}
	for _, h := range x.inv.hosts {
		simulator.Map.Put(&hostProxy{Self: types.ManagedObjectReference{Type: "LayershiftHost", Value: h.Ref.Value}, host: h.Ref, x: x})
	}
	pmRef := simulator.Map.Get(types.ManagedObjectReference{Type: "PerformanceManager", Value: "PerfMgr"})
	if pm, ok := pmRef.(*simulator.PerformanceManager); ok {
		simulator.Map.Put(&perfManager{PerformanceManager: pm, x: x})
	} else {
		log.Printf("vcsim: PerformanceManager not found (%T); perf extension disabled", pmRef)
	}
	simulator.Map.Put(newExtensionManager())
	simulator.Map.Put(&eventManagerProxy{Self: types.ManagedObjectReference{Type: "LayershiftEventManager", Value: simulator.Map.EventManager().Self.Value}})
	x.topo = buildTopology(x.inv, !x.cfg.noTags)
}

// afterStart runs once the server listens, before the URL is printed.
func (x *extensions) afterStart(srv *simulator.Server) error {
	if !x.cfg.noTags {
		n, err := seedTags(srv, x.cfg, x.inv)
		if err != nil {
			return fmt.Errorf("seed tags: %w", err)
		}
		x.taggedVMs = n
	}
	if x.cfg.topologyFile != "" {
		if err := writeTopology(x.cfg.topologyFile, x.topo); err != nil {
			return err
		}
	}
	return nil
}

// Methods we route to proxies: _this of these is rewritten from VirtualMachine/HostSystem to
// LayershiftVM/LayershiftHost (same moref value).
var (
	bodyMethodRe = regexp.MustCompile(`<(?:[\w.-]+:)?Body[^>]*>\s*<(?:[\w.-]+:)?([A-Za-z_]+)[\s>/]`)
	thisTypeRe   = regexp.MustCompile(`(<(?:[\w.-]+:)?_this\b[^>]*\btype=")(VirtualMachine|HostSystem)(")`)
	vmMethods    = map[string]bool{"RelocateVM_Task": true, "MigrateVM_Task": true}
	hostMethods  = map[string]bool{"EnterMaintenanceMode_Task": true, "ExitMaintenanceMode_Task": true, "DisconnectHost_Task": true, "ReconnectHost_Task": true}
	// EventHistoryCollector cursor methods, routed to collectorProxy (eventlog.go).
	collectorMethods   = map[string]bool{"ReadNextEvents": true, "ReadPreviousEvents": true, "RewindCollector": true, "ResetCollector": true}
	collectorThisRe    = regexp.MustCompile(`(<(?:[\w.-]+:)?_this\b[^>]*\btype=")EventHistoryCollector("[^>]*>)([^<]*)<`)
	eventManagerThisRe = regexp.MustCompile(`(<(?:[\w.-]+:)?_this\b[^>]*\btype=")EventManager(")`)
	anyThisRe          = regexp.MustCompile(`<(?:[\w.-]+:)?_this\b[^>]*\btype="([^"]*)"[^>]*>([^<]*)<`)
	// Methods simulator.Service.call serves without a session although vCenter requires one.
	sessionlessInSimulator = map[string]bool{"RetrieveProperties": true, "RetrievePropertiesEx": true, "Fetch": true}
)

// rewriteCollector points _this of a cursor method at the collector's proxy (created on first use).
func rewriteCollector(body []byte) []byte {
	m := collectorThisRe.FindSubmatchIndex(body)
	if m == nil {
		return body
	}
	value := strings.TrimSpace(html.UnescapeString(string(body[m[6]:m[7]])))
	ensureCollectorProxy(value)
	out := append([]byte{}, body[:m[3]]...)
	out = append(out, "LayershiftEventCollector"...)
	return append(out, body[m[4]:]...)
}

func thisRef(body []byte) types.ManagedObjectReference {
	if m := anyThisRe.FindSubmatch(body); m != nil {
		return types.ManagedObjectReference{Type: string(m[1]), Value: strings.TrimSpace(html.UnescapeString(string(m[2])))}
	}
	return types.ManagedObjectReference{}
}

const sessionCookie = "vmware_soap_session"

func (x *extensions) middleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.URL.Path, "/layershift/") {
			x.control(w, r)
			return
		}
		if r.URL.Path != "/sdk" && r.URL.Path != "/sdk/vimService" {
			next.ServeHTTP(w, r)
			return
		}
		x.mu.Lock()
		x.sdkRequests++
		if x.sdkFailures > 0 {
			x.sdkFailures--
			status := x.sdkStatus
			x.mu.Unlock()
			http.Error(w, http.StatusText(status), status)
			return
		}
		sessionKey := ""
		if c, err := r.Cookie(sessionCookie); err == nil {
			if x.revoked[c.Value] {
				stripCookie(r, sessionCookie)
			} else if x.knownSessions[c.Value] {
				sessionKey = c.Value
			}
		}
		x.mu.Unlock()

		if r.Method == http.MethodPost {
			body, err := ioutil.ReadAll(r.Body)
			_ = r.Body.Close()
			if err != nil {
				http.Error(w, err.Error(), http.StatusBadRequest)
				return
			}
			method := ""
			if m := bodyMethodRe.FindSubmatch(body); m != nil {
				method = string(m[1])
				if vmMethods[method] || hostMethods[method] {
					body = x.rewriteThis(body, vmMethods[method])
				}
				if collectorMethods[method] {
					body = rewriteCollector(body)
				}
				if method == "CreateCollectorForEvents" {
					body = eventManagerThisRe.ReplaceAll(body, []byte("${1}LayershiftEventManager${2}"))
				}
			}
			// 0.24 answers RetrieveProperties(Ex) and Fetch without a session; vCenter faults
			// NotAuthenticated (only RetrieveServiceContent and the Login methods work without one).
			if sessionKey == "" && sessionlessInSimulator[method] {
				writeFault(w, "The session is not authenticated.", &types.NotAuthenticated{NoPermission: types.NoPermission{
					Object: thisRef(body), PrivilegeId: "System.View",
				}})
				return
			}
			r.Body = ioutil.NopCloser(bytes.NewReader(body))
			r.ContentLength = int64(len(body))
			if method == "Logout" && sessionKey != "" {
				cw := &cookieWatcher{ResponseWriter: w, x: x}
				next.ServeHTTP(cw, r)
				if cw.status == http.StatusOK {
					x.mu.Lock()
					delete(x.knownSessions, sessionKey)
					x.mu.Unlock()
				}
				return
			}
		}
		next.ServeHTTP(&cookieWatcher{ResponseWriter: w, x: x}, r)
	})
}

func (x *extensions) rewriteThis(body []byte, vm bool) []byte {
	loc := thisTypeRe.FindSubmatchIndex(body)
	if loc == nil {
		return body
	}
	kind := string(body[loc[4]:loc[5]])
	if (vm && kind != "VirtualMachine") || (!vm && kind != "HostSystem") {
		return body
	}
	// Only when a proxy exists for the moref (else the simulator reports the unknown object as usual).
	end := bytes.IndexByte(body[loc[1]:], '<')
	if end < 0 {
		return body
	}
	gt := bytes.IndexByte(body[loc[1]:], '>')
	value := strings.TrimSpace(string(body[loc[1]+gt+1 : loc[1]+end]))
	proxyType := "LayershiftHost"
	if vm {
		proxyType = "LayershiftVM"
	}
	if simulator.Map.Get(types.ManagedObjectReference{Type: proxyType, Value: value}) == nil {
		return body
	}
	out := append([]byte{}, body[:loc[4]]...)
	out = append(out, proxyType...)
	return append(out, body[loc[5]:]...)
}

func stripCookie(r *http.Request, name string) {
	var keep []string
	for _, c := range r.Cookies() {
		if c.Name != name {
			keep = append(keep, c.Name+"="+c.Value)
		}
	}
	r.Header.Del("Cookie")
	if len(keep) > 0 {
		r.Header.Set("Cookie", strings.Join(keep, "; "))
	}
}

// cookieWatcher records the session keys the simulator hands out, so they can be revoked.
type cookieWatcher struct {
	http.ResponseWriter
	x      *extensions
	done   bool
	status int
}

func (c *cookieWatcher) WriteHeader(code int) {
	if !c.done {
		c.done = true
		c.status = code
		for _, v := range c.Header()["Set-Cookie"] {
			if strings.HasPrefix(v, sessionCookie+"=") {
				key := strings.SplitN(strings.TrimPrefix(v, sessionCookie+"="), ";", 2)[0]
				c.x.mu.Lock()
				c.x.knownSessions[key] = true
				c.x.mu.Unlock()
			}
		}
	}
	c.ResponseWriter.WriteHeader(code)
}

func (c *cookieWatcher) Write(b []byte) (int, error) {
	if !c.done {
		c.WriteHeader(http.StatusOK)
	}
	return c.ResponseWriter.Write(b)
}

// takeInjectedFault pops the next queued fault for the VM (by moref or name), if any.
func (x *extensions) takeInjectedFault(vm *simulator.VirtualMachine) types.BaseMethodFault {
	x.mu.Lock()
	defer x.mu.Unlock()
	for _, key := range []string{vm.Self.Value, vm.Name} {
		q := x.failNext[key]
		if len(q) == 0 {
			continue
		}
		spec := q[0]
		if len(q) == 1 {
			delete(x.failNext, key)
		} else {
			x.failNext[key] = q[1:]
		}
		return makeFault(spec, vm.Name)
	}
	return nil
}

func makeFault(spec faultSpec, vmName string) types.BaseMethodFault {
	msg := spec.Message
	if msg == "" {
		msg = fmt.Sprintf("The migration of %s failed (injected by the Layershift vcsim control endpoint)", vmName)
	}
	base := types.MethodFault{FaultMessage: []types.LocalizableMessage{{Key: "com.vmware.layershift.vcsim.injected", Message: msg}}}
	switch spec.Fault {
	case "", "MigrationFault":
		return &types.MigrationFault{VimFault: types.VimFault{MethodFault: base}}
	case "MigrationDisabled":
		return &types.MigrationDisabled{MigrationFault: types.MigrationFault{VimFault: types.VimFault{MethodFault: base}}}
	case "InsufficientResourcesFault":
		return &types.InsufficientResourcesFault{VimFault: types.VimFault{MethodFault: base}}
	case "Timedout":
		return &types.Timedout{VimFault: types.VimFault{MethodFault: base}}
	case "SystemError":
		return &types.SystemError{RuntimeFault: types.RuntimeFault{MethodFault: base}, Reason: msg}
	default:
		return &types.MigrationFault{VimFault: types.VimFault{MethodFault: base}}
	}
}

func (x *extensions) findVM(key string) *vmInfo {
	if v, ok := x.inv.vmByName[key]; ok {
		return v
	}
	for i := range x.inv.vms {
		if x.inv.vms[i].Ref.Value == key {
			return &x.inv.vms[i]
		}
	}
	return nil
}

func (x *extensions) findHost(key string) *hostInfo {
	if h, ok := x.inv.hostByName[key]; ok {
		return h
	}
	for i := range x.inv.hosts {
		if x.inv.hosts[i].Ref.Value == key {
			return &x.inv.hosts[i]
		}
	}
	return nil
}

func writeJSON(w http.ResponseWriter, status int, v interface{}) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	_ = enc.Encode(v)
}

func readJSON(r *http.Request, v interface{}) error {
	b, err := io.ReadAll(r.Body)
	if err != nil || len(bytes.TrimSpace(b)) == 0 {
		return err
	}
	return json.Unmarshal(b, v)
}

// control serves /layershift/...: see README.md for the list.
func (x *extensions) control(w http.ResponseWriter, r *http.Request) {
	path := strings.TrimPrefix(r.URL.Path, "/layershift")
	bad := func(format string, a ...interface{}) {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": fmt.Sprintf(format, a...)})
	}
	if path == "/topology" && r.Method == http.MethodGet {
		writeJSON(w, http.StatusOK, x.topo)
		return
	}
	if path == "/control/state" && r.Method == http.MethodGet {
		x.mu.Lock()
		defer x.mu.Unlock()
		writeJSON(w, http.StatusOK, map[string]interface{}{
			"taskDelayMs": x.delay.Milliseconds(), "failNext": x.failNext, "sdkFailures": x.sdkFailures,
			"sdkRequests": x.sdkRequests, "knownSessions": len(x.knownSessions), "revokedSessions": len(x.revoked),
		})
		return
	}
	if r.Method != http.MethodPost {
		writeJSON(w, http.StatusNotFound, map[string]string{"error": "unknown control endpoint " + r.Method + " " + r.URL.Path})
		return
	}
	switch {
	case path == "/control/fail-migration":
		var req struct {
			VM    string `json:"vm"`
			Count int    `json:"count"`
			faultSpec
		}
		if err := readJSON(r, &req); err != nil {
			bad("%v", err)
			return
		}
		vm := x.findVM(req.VM)
		if vm == nil {
			bad("unknown vm %q (name or moref)", req.VM)
			return
		}
		if req.Count <= 0 {
			req.Count = 1
		}
		x.mu.Lock()
		for i := 0; i < req.Count; i++ {
			x.failNext[vm.Ref.Value] = append(x.failNext[vm.Ref.Value], req.faultSpec)
		}
		x.mu.Unlock()
		writeJSON(w, http.StatusOK, map[string]interface{}{"vm": vm.Ref.Value, "name": vm.Name, "queued": req.Count})
	case path == "/control/task-delay":
		var req struct {
			Ms int `json:"ms"`
		}
		if err := readJSON(r, &req); err != nil || req.Ms < 0 {
			bad("body must be {\"ms\": N >= 0}")
			return
		}
		x.mu.Lock()
		x.delay = time.Duration(req.Ms) * time.Millisecond
		x.mu.Unlock()
		writeJSON(w, http.StatusOK, map[string]int{"ms": req.Ms})
	case path == "/control/sdk-unavailable":
		var req struct {
			Count  int `json:"count"`
			Status int `json:"status"`
		}
		if err := readJSON(r, &req); err != nil || req.Count < 0 {
			bad("body must be {\"count\": N, \"status\"?: 503}")
			return
		}
		if req.Status == 0 {
			req.Status = http.StatusServiceUnavailable
		}
		x.mu.Lock()
		x.sdkFailures, x.sdkStatus = req.Count, req.Status
		x.mu.Unlock()
		writeJSON(w, http.StatusOK, req)
	case path == "/control/invalidate-sessions":
		x.mu.Lock()
		n := 0
		for k := range x.knownSessions {
			if !x.revoked[k] {
				x.revoked[k] = true
				n++
			}
		}
		x.mu.Unlock()
		writeJSON(w, http.StatusOK, map[string]int{"invalidated": n})
	case path == "/control/reset":
		x.mu.Lock()
		x.failNext = map[string][]faultSpec{}
		x.sdkFailures = 0
		x.delay = time.Duration(x.cfg.taskDelay) * time.Millisecond
		x.mu.Unlock()
		writeJSON(w, http.StatusOK, map[string]bool{"reset": true})
	case strings.HasPrefix(path, "/control/hosts/"):
		parts := strings.Split(strings.TrimPrefix(path, "/control/hosts/"), "/")
		if len(parts) != 2 {
			bad("expected /layershift/control/hosts/{name|moref}/{disconnect|reconnect|tpm}")
			return
		}
		h := x.findHost(parts[0])
		if h == nil {
			bad("unknown host %q", parts[0])
			return
		}
		var req struct {
			Mode   string `json:"mode"`
			Reason string `json:"reason"`
			Status string `json:"status"`
		}
		if err := readJSON(r, &req); err != nil {
			bad("%v", err)
			return
		}
		switch parts[1] {
		case "disconnect":
			state := types.HostSystemConnectionStateNotResponding
			switch req.Mode {
			case "", "lost", "notResponding":
			case "disconnected":
				state = types.HostSystemConnectionStateDisconnected
			default:
				bad("mode must be lost|disconnected")
				return
			}
			setConnection("vcsim", h.Ref, state, req.Reason)
			writeJSON(w, http.StatusOK, map[string]string{"host": h.Ref.Value, "connectionState": string(state)})
		case "reconnect":
			setConnection("vcsim", h.Ref, types.HostSystemConnectionStateConnected, "")
			writeJSON(w, http.StatusOK, map[string]string{"host": h.Ref.Value, "connectionState": "connected"})
		case "tpm":
			if req.Status != "accepted" && req.Status != "notAccepted" {
				bad("status must be accepted|notAccepted")
				return
			}
			setTPM(h.Ref, req.Status)
			writeJSON(w, http.StatusOK, map[string]string{"host": h.Ref.Value, "tpmAttestation": req.Status})
		default:
			bad("unknown host action %q", parts[1])
		}
	default:
		writeJSON(w, http.StatusNotFound, map[string]string{"error": "unknown control endpoint " + r.URL.Path})
	}
}

var _ = strconv.Itoa
