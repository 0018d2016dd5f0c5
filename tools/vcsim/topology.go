package main

import (
	"encoding/json"
	"fmt"
	"os"
	"time"

	"github.com/vmware/govmomi/simulator"
	"github.com/vmware/govmomi/vim25/types"
)

// Power topology sidecar. vCenter knows nothing about UPSes and PDUs, so the simulator publishes a
// deterministic one beside the inventory (GET /layershift/topology, and -topology-file). Shape
// follows SCENARIO.md's "power" block plus, per host, its feeds.
type upsInfo struct {
	ID             string `json:"id"`
	CapacityW      int    `json:"capacityW"`
	RuntimeSeconds int    `json:"runtimeSeconds"`
	OnBattery      bool   `json:"onBattery"`
}

type pduInfo struct {
	ID        string `json:"id"`
	UPS       string `json:"ups"`
	Rack      string `json:"rack"`
	CapacityW int    `json:"capacityW"`
}

type topoHost struct {
	ID         string   `json:"id"` // HostSystem moref value, e.g. host-21
	Name       string   `json:"name"`
	Cluster    string   `json:"cluster,omitempty"`
	Rack       string   `json:"rack"`
	PDUs       []string `json:"pdus"`
	PowerIdleW int      `json:"powerIdleW"`
	PowerPeakW int      `json:"powerPeakW"`
	// What the simulator set as HostSystem summary.tpmAttestation.status ("" = no TPM); the source
	// of truth is vCenter, this is here so tests can cross-check.
	TPMAttestation string `json:"tpmAttestation"`
}

type topology struct {
	Version   int        `json:"version"`
	Generated string     `json:"generated"`
	UPS       []upsInfo  `json:"ups"`
	PDUs      []pduInfo  `json:"pdus"`
	Hosts     []topoHost `json:"hosts"`
	Layers    layerInfo  `json:"layers"`
}

type layerInfo struct {
	Category string            `json:"category"`
	Tags     []string          `json:"tags"`
	ByVM     map[string]string `json:"byVm"` // VM moref -> tag name; untagged VMs are absent
}

const hostsPerRack = 8

var layerCycle = []string{"Critical", "High", "Medium", "Low", "High", "Medium", "", "Critical", "Medium", ""}

// layerFor is the deterministic layer mix: 20% Critical, 20% High, 30% Medium, 10% Low, 20% untagged.
func layerFor(vmIndex int) string { return layerCycle[vmIndex%len(layerCycle)] }

// tpmStatusFor: most hosts accepted, every 7th (index 3, 10, ...) notAccepted, every 11th (index 10, 21, ...) has no TPM.
func tpmStatusFor(hostIndex int) string {
	switch {
	case hostIndex%11 == 10:
		return ""
	case hostIndex%7 == 3:
		return string(types.HostTpmAttestationInfoAcceptanceStatusNotAccepted)
	default:
		return string(types.HostTpmAttestationInfoAcceptanceStatusAccepted)
	}
}

func buildTopology(inv *inventory, withTags bool) *topology {
	t := &topology{Version: 1, Generated: time.Now().UTC().Format(time.RFC3339)}
	racks := (len(inv.hosts) + hostsPerRack - 1) / hostsPerRack
	capA, capB := 0, 0
	for r := 0; r < racks; r++ {
		n := hostsPerRack
		if rest := len(inv.hosts) - r*hostsPerRack; rest < n {
			n = rest
		}
		rack := fmt.Sprintf("rack-%d", r+1)
		a := n * 450
		b := n * 450
		if r%3 == 2 {
			b = n * 330 // a deliberately tight B side: losing A overloads it at high CPU
		}
		t.PDUs = append(t.PDUs,
			pduInfo{ID: fmt.Sprintf("pdu-a%d", r+1), UPS: "ups-a", Rack: rack, CapacityW: a},
			pduInfo{ID: fmt.Sprintf("pdu-b%d", r+1), UPS: "ups-b", Rack: rack, CapacityW: b})
		capA += a
		capB += b
	}
	t.UPS = []upsInfo{
		{ID: "ups-a", CapacityW: capA, RuntimeSeconds: 900},
		{ID: "ups-b", CapacityW: capB, RuntimeSeconds: 1500},
	}
	for _, h := range inv.hosts {
		r := h.Index / hostsPerRack
		t.Hosts = append(t.Hosts, topoHost{
			ID: h.Ref.Value, Name: h.Name, Cluster: h.Cluster, Rack: fmt.Sprintf("rack-%d", r+1),
			PDUs:       []string{fmt.Sprintf("pdu-a%d", r+1), fmt.Sprintf("pdu-b%d", r+1)},
			PowerIdleW: 180, PowerPeakW: 650, TPMAttestation: tpmStatusFor(h.Index),
		})
	}
	t.Layers = layerInfo{Category: "Layershift.Layer", Tags: []string{"Critical", "High", "Medium", "Low"}, ByVM: map[string]string{}}
	if withTags {
		for _, vm := range inv.vms {
			if l := layerFor(vm.Index); l != "" {
				t.Layers.ByVM[vm.Ref.Value] = l
			}
		}
	}
	return t
}

func writeTopology(path string, t *topology) error {
	b, err := json.MarshalIndent(t, "", "  ")
	if err != nil {
		return err
	}
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, b, 0o644); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}

// configureHosts sets realistic host capacity (2 x 16 cores at 2.4 GHz, 512 GiB, matching
// SCENARIO.md's example) and TPM state: capability.tpmSupported/tpmVersion and
// summary.tpmAttestation (HostListSummary.tpmAttestation, vSphere 6.7+). Runs before serving.
func configureHosts(inv *inventory) {
	now := time.Now()
	for _, info := range inv.hosts {
		h := simulator.Map.Get(info.Ref).(*simulator.HostSystem)
		hw := *h.Hardware
		hw.CpuInfo.NumCpuPackages = 2
		hw.CpuInfo.NumCpuCores = hostCores
		hw.CpuInfo.NumCpuThreads = hostCores * 2
		hw.CpuInfo.Hz = hostCoreMhz * 1_000_000
		hw.MemorySize = int64(hostMemoryMB) * 1024 * 1024
		h.Hardware = &hw
		if h.Summary.Hardware != nil {
			sh := *h.Summary.Hardware
			sh.CpuMhz = hostCoreMhz
			sh.NumCpuPkgs = 2
			sh.NumCpuCores = hostCores
			sh.NumCpuThreads = hostCores * 2
			sh.MemorySize = hw.MemorySize
			h.Summary.Hardware = &sh
		}
		status := tpmStatusFor(info.Index)
		capability := types.HostCapability{}
		if h.Capability != nil {
			capability = *h.Capability
		}
		capability.TpmSupported = types.NewBool(status != "")
		if status != "" {
			capability.TpmVersion = "2.0"
			capability.TxtEnabled = types.NewBool(true)
			att := &types.HostTpmAttestationInfo{Time: now, Status: types.HostTpmAttestationInfoAcceptanceStatus(status)}
			if status == string(types.HostTpmAttestationInfoAcceptanceStatusNotAccepted) {
				att.Message = &types.LocalizableMessage{Key: "com.vmware.vim.tpm.attestation.failed", Message: "Host TPM attestation failed: PCR values do not match the expected values"}
			}
			h.Summary.TpmAttestation = att
		} else {
			capability.TxtEnabled = types.NewBool(false)
			h.Summary.TpmAttestation = nil
		}
		h.Capability = &capability
	}
}

// setTPM (status accepted|notAccepted) changes a host's attestation at run time (control endpoint), visible to WaitForUpdatesEx.
func setTPM(host types.ManagedObjectReference, status string) {
	h := simulator.Map.Get(host).(*simulator.HostSystem)
	att := &types.HostTpmAttestationInfo{Time: time.Now(), Status: types.HostTpmAttestationInfoAcceptanceStatus(status)}
	simulator.Map.WithLock(h, func() {
		simulator.Map.Update(h, []types.PropertyChange{{Name: "summary.tpmAttestation", Val: att}})
	})
}
