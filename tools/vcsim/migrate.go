package main

import (
	"context"
	"fmt"

	"github.com/vmware/govmomi/simulator"
	"github.com/vmware/govmomi/vim25/methods"
	"github.com/vmware/govmomi/vim25/mo"
	"github.com/vmware/govmomi/vim25/soap"
	"github.com/vmware/govmomi/vim25/types"
)

// vmProxy receives the VirtualMachine methods we override or add (RelocateVM_Task, MigrateVM_Task).
// simulator.Service dispatches by reflection on the object registered for _this, and replacing the
// *simulator.VirtualMachine itself would break the simulator's own type assertions, so each VM gets
// a proxy registered as {Type: "LayershiftVM", Value: <vm moref>} and the middleware rewrites _this
// of those methods to it (see extensions.middleware).
type vmProxy struct {
	Self types.ManagedObjectReference
	vm   types.ManagedObjectReference
	x    *extensions
}

func (p *vmProxy) Reference() types.ManagedObjectReference { return p.Self }

func (p *vmProxy) RelocateVMTask(ctx *simulator.Context, req *types.RelocateVM_Task) soap.HasFault {
	spec := req.Spec
	var ds []types.ManagedObjectReference
	if spec.Datastore != nil {
		ds = append(ds, *spec.Datastore)
	}
	for _, d := range spec.Disk {
		ds = append(ds, d.Datastore)
	}
	ref := p.x.migrate(ctx, p.vm, "RelocateVM_Task", "VirtualMachine.relocate", spec.Host, spec.Pool, ds)
	return &methods.RelocateVM_TaskBody{Res: &types.RelocateVM_TaskResponse{Returnval: ref}}
}

func (p *vmProxy) MigrateVMTask(ctx *simulator.Context, req *types.MigrateVM_Task) soap.HasFault {
	ref := p.x.migrate(ctx, p.vm, "MigrateVM_Task", "VirtualMachine.migrate", req.Host, req.Pool, nil)
	return &methods.MigrateVM_TaskBody{Res: &types.MigrateVM_TaskResponse{Returnval: ref}}
}

func hostOf(vm *simulator.VirtualMachine) types.ManagedObjectReference { return *vm.Runtime.Host }

// rootPool returns the root resource pool of the compute resource a host belongs to.
func rootPool(host types.ManagedObjectReference) *types.ManagedObjectReference {
	h := simulator.Map.Get(host).(*simulator.HostSystem)
	switch cr := simulator.Map.Get(*h.Parent).(type) {
	case *simulator.ClusterComputeResource:
		return cr.ResourcePool
	case *mo.ComputeResource:
		return cr.ResourcePool
	default:
		if c, ok := cr.(interface {
			GetComputeResource() *mo.ComputeResource
		}); ok {
			return c.GetComputeResource().ResourcePool
		}
	}
	return nil
}

func contains(list []types.ManagedObjectReference, ref types.ManagedObjectReference) bool {
	for _, r := range list {
		if r == ref {
			return true
		}
	}
	return false
}

func without(list []types.ManagedObjectReference, ref types.ManagedObjectReference) []types.ManagedObjectReference {
	out := make([]types.ManagedObjectReference, 0, len(list))
	for _, r := range list {
		if r != ref {
			out = append(out, r)
		}
	}
	return out
}

func with(list []types.ManagedObjectReference, ref types.ManagedObjectReference) []types.ManagedObjectReference {
	if contains(list, ref) {
		return list
	}
	out := append([]types.ManagedObjectReference{}, list...)
	return append(out, ref)
}

// setRefList updates a []ManagedObjectReference property (HostSystem.vm, Datastore.vm, ResourcePool.vm)
// through Map.Update so PropertyCollector waiters are told.
func setRefList(obj mo.Reference, prop string, get func() []types.ManagedObjectReference,
	change func([]types.ManagedObjectReference) []types.ManagedObjectReference) {
	simulator.Map.WithLock(obj, func() {
		simulator.Map.Update(obj, []types.PropertyChange{{Name: prop, Val: change(get())}})
	})
}

func invalidState(msg string) types.BaseMethodFault {
	return &types.InvalidState{VimFault: types.VimFault{MethodFault: types.MethodFault{
		FaultMessage: []types.LocalizableMessage{{Key: "com.vmware.layershift.vcsim", Message: msg}},
	}}}
}

// checkTarget validates the destination like vCenter's placement checks do (simplified).
func checkTarget(vm *simulator.VirtualMachine, host *types.ManagedObjectReference, ds []types.ManagedObjectReference) types.BaseMethodFault {
	if host != nil {
		h, ok := simulator.Map.Get(*host).(*simulator.HostSystem)
		if !ok {
			return &types.ManagedObjectNotFound{Obj: *host}
		}
		if h.Runtime.ConnectionState != types.HostSystemConnectionStateConnected {
			return &types.HostNotConnected{HostCommunication: types.HostCommunication{RuntimeFault: types.RuntimeFault{MethodFault: types.MethodFault{
				FaultMessage: []types.LocalizableMessage{{Key: "com.vmware.layershift.vcsim", Message: fmt.Sprintf("host %s is %s", h.Name, h.Runtime.ConnectionState)}},
			}}}}
		}
		if h.Runtime.InMaintenanceMode {
			return &types.InvalidHostState{InvalidState: *invalidState(fmt.Sprintf("host %s is in maintenance mode", h.Name)).(*types.InvalidState), Host: host}
		}
	}
	target := hostOf(vm)
	if host != nil {
		target = *host
	}
	for _, d := range ds {
		store, ok := simulator.Map.Get(d).(*simulator.Datastore)
		if !ok {
			return &types.ManagedObjectNotFound{Obj: d}
		}
		mounted := false
		for _, m := range store.Host {
			if m.Key == target {
				mounted = true
			}
		}
		if !mounted {
			return &types.InvalidArgument{InvalidProperty: "spec.datastore"}
		}
	}
	return nil
}

// migrate implements RelocateVM_Task and MigrateVM_Task: it moves the VM to host/pool/datastores,
// keeping VirtualMachine.runtime.host, summary.runtime.host, resourcePool, datastore and the
// inverse lists HostSystem.vm, Datastore.vm and ResourcePool.vm consistent, and posts
// VmBeingMigratedEvent then VmMigratedEvent (or VmFailedMigrateEvent).
func (x *extensions) migrate(ctx *simulator.Context, vmRef types.ManagedObjectReference, name, desc string,
	host, pool *types.ManagedObjectReference, ds []types.ManagedObjectReference) types.ManagedObjectReference {
	user := ctx.Session.UserName
	vm := simulator.Map.Get(vmRef).(*simulator.VirtualMachine)
	delay := x.taskDelay()
	return runTask(vmRef, name, desc, delay, false, func(context.Context) (types.AnyType, types.BaseMethodFault) {
		src := hostOf(vm)
		dst := src
		if host != nil {
			dst = *host
		}
		var firstDs *types.ManagedObjectReference
		if len(ds) > 0 {
			firstDs = &ds[0]
		}
		var srcDs *types.ManagedObjectReference
		if len(vm.Datastore) > 0 {
			d := vm.Datastore[0]
			srcDs = &d
		}
		if fault := checkTarget(vm, host, ds); fault != nil {
			return nil, fault
		}
		postEvent(user, &types.VmBeingMigratedEvent{VmEvent: vmEvent(vm, src, srcDs), DestHost: hostArg(dst), DestDatacenter: datacenterArg(), DestDatastore: datastoreArg(firstDs)})

		if fault := x.takeInjectedFault(vm); fault != nil {
			postEvent(user, &types.VmFailedMigrateEvent{VmEvent: vmEvent(vm, src, srcDs), DestHost: hostArg(dst),
				Reason: types.LocalizedMethodFault{Fault: fault, LocalizedMessage: faultMessage(fault)}, DestDatacenter: datacenterArg(), DestDatastore: datastoreArg(firstDs)})
			return nil, fault
		}

		var changes []types.PropertyChange
		oldPool := vm.ResourcePool
		newPool := pool
		if newPool == nil && dst != src {
			if rp := rootPool(dst); rp != nil && rootPool(src) != nil && *rp != *rootPool(src) {
				newPool = rp
			}
		}
		if dst != src {
			changes = append(changes,
				types.PropertyChange{Name: "runtime.host", Val: dst},
				types.PropertyChange{Name: "summary.runtime.host", Val: dst})
		}
		if newPool != nil && (oldPool == nil || *newPool != *oldPool) {
			changes = append(changes, types.PropertyChange{Name: "resourcePool", Val: *newPool})
		}
		oldDs := append([]types.ManagedObjectReference{}, vm.Datastore...)
		var newDs []types.ManagedObjectReference
		if len(ds) > 0 {
			for _, d := range ds {
				newDs = with(newDs, d)
			}
			changes = append(changes, types.PropertyChange{Name: "datastore", Val: newDs})
		}
		if len(changes) > 0 {
			simulator.Map.WithLock(vm, func() { simulator.Map.Update(vm, changes) })
		}

		if dst != src {
			sh := simulator.Map.Get(src).(*simulator.HostSystem)
			dh := simulator.Map.Get(dst).(*simulator.HostSystem)
			setRefList(sh, "vm", func() []types.ManagedObjectReference { return sh.Vm }, func(l []types.ManagedObjectReference) []types.ManagedObjectReference { return without(l, vmRef) })
			setRefList(dh, "vm", func() []types.ManagedObjectReference { return dh.Vm }, func(l []types.ManagedObjectReference) []types.ManagedObjectReference { return with(l, vmRef) })
		}
		if newPool != nil && oldPool != nil && *newPool != *oldPool {
			if op, ok := simulator.Map.Get(*oldPool).(*simulator.ResourcePool); ok {
				setRefList(op, "vm", func() []types.ManagedObjectReference { return op.Vm }, func(l []types.ManagedObjectReference) []types.ManagedObjectReference { return without(l, vmRef) })
			}
			if np, ok := simulator.Map.Get(*newPool).(*simulator.ResourcePool); ok {
				setRefList(np, "vm", func() []types.ManagedObjectReference { return np.Vm }, func(l []types.ManagedObjectReference) []types.ManagedObjectReference { return with(l, vmRef) })
			}
		}
		if len(newDs) > 0 {
			for _, d := range oldDs {
				if !contains(newDs, d) {
					st := simulator.Map.Get(d).(*simulator.Datastore)
					setRefList(st, "vm", func() []types.ManagedObjectReference { return st.Vm }, func(l []types.ManagedObjectReference) []types.ManagedObjectReference { return without(l, vmRef) })
				}
			}
			for _, d := range newDs {
				st := simulator.Map.Get(d).(*simulator.Datastore)
				setRefList(st, "vm", func() []types.ManagedObjectReference { return st.Vm }, func(l []types.ManagedObjectReference) []types.ManagedObjectReference { return with(l, vmRef) })
			}
		}

		ev := &types.VmMigratedEvent{VmEvent: vmEvent(vm, dst, firstDs), SourceHost: hostArg(src), SourceDatacenter: datacenterArg(), SourceDatastore: datastoreArg(srcDs)}
		if firstDs == nil && len(vm.Datastore) > 0 {
			d := vm.Datastore[0]
			ev.Ds = datastoreArg(&d)
		}
		postEvent(user, ev)
		return nil, nil
	})
}
