package main

import (
	"context"
	"fmt"
	"sort"
	"sync"

	"github.com/vmware/govmomi/object"
	"github.com/vmware/govmomi/simulator"
	"github.com/vmware/govmomi/vim25"
	"github.com/vmware/govmomi/vim25/mo"
	"github.com/vmware/govmomi/vim25/types"
)

// hostInfo and vmInfo describe the deterministic inventory built on top of the VPX model.
type hostInfo struct {
	Ref     types.ManagedObjectReference
	Name    string
	Cluster string
	Index   int
}

type vmInfo struct {
	Ref      types.ManagedObjectReference
	Name     string
	Host     types.ManagedObjectReference
	NumCPU   int32
	MemoryMB int32
	Index    int
}

type inventory struct {
	hosts      []hostInfo
	vms        []vmInfo
	datastores []types.ManagedObjectReference
	vmByName   map[string]*vmInfo
	hostByName map[string]*hostInfo
}

var cpuChoices = []int32{1, 2, 2, 4, 4, 8}
var memChoices = []int32{2048, 4096, 4096, 8192, 16384}

func entityName(e mo.Entity) string { return e.Entity().Name }

// vmsOnHost: cfg.vms per host, or with -total-vms N, N spread over the hosts in index order (the
// first N mod hosts hosts get one more).
func vmsOnHost(cfg config, hostIndex, hosts int) int {
	if cfg.totalVms < 0 || hosts == 0 {
		return cfg.vms
	}
	n := cfg.totalVms / hosts
	if hostIndex < cfg.totalVms%hosts {
		n++
	}
	return n
}

// buildInventory places cfg.vms (or cfg.totalVms in all) VMs on the hosts (deterministic names and sizes, datastores
// round-robin) and powers them on. Hosts are ordered by name so indexes are stable across runs.
func buildInventory(ctx context.Context, c *vim25.Client, cfg config) (*inventory, error) {
	inv := &inventory{vmByName: map[string]*vmInfo{}, hostByName: map[string]*hostInfo{}}

	dsEntities := simulator.Map.All("Datastore")
	sort.Slice(dsEntities, func(i, j int) bool { return entityName(dsEntities[i]) < entityName(dsEntities[j]) })
	for _, ds := range dsEntities {
		inv.datastores = append(inv.datastores, ds.Reference())
	}

	hostEntities := simulator.Map.All("HostSystem")
	sort.Slice(hostEntities, func(i, j int) bool { return entityName(hostEntities[i]) < entityName(hostEntities[j]) })
	for i, e := range hostEntities {
		h := e.(*simulator.HostSystem)
		cluster := ""
		if h.Parent != nil && h.Parent.Type == "ClusterComputeResource" {
			cluster = entityName(simulator.Map.Get(*h.Parent).(mo.Entity))
		}
		inv.hosts = append(inv.hosts, hostInfo{Ref: h.Self, Name: h.Name, Cluster: cluster, Index: i})
	}
	for i := range inv.hosts {
		inv.hostByName[inv.hosts[i].Name] = &inv.hosts[i]
	}

	var dsNames []string
	for _, ds := range inv.datastores {
		dsNames = append(dsNames, entityName(simulator.Map.Get(ds).(mo.Entity)))
	}

	dc := simulator.Map.Any("Datacenter").(*simulator.Datacenter)
	folders, err := object.NewDatacenter(c, dc.Self).Folders(ctx)
	if err != nil {
		return nil, err
	}

	// VMs are created by one worker per group of hostsPerRack hosts, each in its own VM folder:
	// CreateVM_Task holds the folder's lock while it writes the VM's files, so one folder would
	// serialise everything (start-up of 2,500 VMs drops from ~9 s to a few seconds).
	type job struct {
		host hostInfo
		n    int // VM index over the whole inventory (sizes, datastore, layer tag)
		i    int // VM index on its host (name)
	}
	groups := map[int][]job{}
	n := 0
	for _, h := range inv.hosts {
		for i := 0; i < vmsOnHost(cfg, h.Index, len(inv.hosts)); i++ {
			groups[h.Index/hostsPerRack] = append(groups[h.Index/hostsPerRack], job{h, n, i})
			n++
		}
	}
	results := make([]vmInfo, n)
	errs := make(chan error, len(groups))
	var wg sync.WaitGroup
	for g, jobs := range groups {
		folder, err := folders.VmFolder.CreateFolder(ctx, fmt.Sprintf("rack-%d", g+1))
		if err != nil {
			return nil, err
		}
		wg.Add(1)
		go func(folder *object.Folder, jobs []job) {
			defer wg.Done()
			pools := map[types.ManagedObjectReference]*object.ResourcePool{}
			for _, j := range jobs {
				h := j.host
				pool := pools[h.Ref]
				host := object.NewHostSystem(c, h.Ref)
				if pool == nil {
					p, err := host.ResourcePool(ctx)
					if err != nil {
						errs <- fmt.Errorf("resource pool of %s: %w", h.Name, err)
						return
					}
					pool, pools[h.Ref] = p, p
				}
				name := fmt.Sprintf("%s_VM%d", h.Name, j.i)
				dsName := "LocalDS_0"
				if len(inv.datastores) > 0 {
					dsName = dsNames[j.n%len(dsNames)]
				}
				spec := types.VirtualMachineConfigSpec{
					Name:     name,
					GuestId:  string(types.VirtualMachineGuestOsIdentifierOtherGuest),
					NumCPUs:  cpuChoices[j.n%len(cpuChoices)],
					MemoryMB: int64(memChoices[(j.n/3)%len(memChoices)]),
					Files:    &types.VirtualMachineFileInfo{VmPathName: fmt.Sprintf("[%s]", dsName)},
				}
				// No virtual disk: creating one writes a vmdk per VM; the VM's datastore comes from vmPathName.
				task, err := folder.CreateVM(ctx, spec, pool, host)
				if err != nil {
					errs <- err
					return
				}
				info, err := task.WaitForResult(ctx, nil)
				if err != nil {
					errs <- fmt.Errorf("create %s: %w", name, err)
					return
				}
				ref := info.Result.(types.ManagedObjectReference)
				if _, err := object.NewVirtualMachine(c, ref).PowerOn(ctx); err != nil {
					errs <- err
					return
				}
				results[j.n] = vmInfo{Ref: ref, Name: name, Host: h.Ref, NumCPU: spec.NumCPUs, MemoryMB: int32(spec.MemoryMB), Index: j.n}
			}
		}(folder, jobs)
	}
	wg.Wait()
	close(errs)
	if err := <-errs; err != nil {
		return nil, err
	}
	inv.vms = results
	for i := range inv.vms {
		inv.vmByName[inv.vms[i].Name] = &inv.vms[i]
	}
	return inv, nil
}
