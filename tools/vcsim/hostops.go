package main

import (
	"context"
	"fmt"
	"time"

	"github.com/vmware/govmomi/simulator"
	"github.com/vmware/govmomi/vim25/methods"
	"github.com/vmware/govmomi/vim25/soap"
	"github.com/vmware/govmomi/vim25/types"
)

// hostProxy receives HostSystem methods we override (maintenance mode: 0.24 flips the field without
// telling PropertyCollector and posts no event) or add (DisconnectHost_Task, ReconnectHost_Task).
// Registered as {Type: "LayershiftHost", Value: <host moref>}; see vmProxy for why.
type hostProxy struct {
	Self types.ManagedObjectReference
	host types.ManagedObjectReference
	x    *extensions
}

func (p *hostProxy) Reference() types.ManagedObjectReference { return p.Self }

func (p *hostProxy) hs() *simulator.HostSystem {
	return simulator.Map.Get(p.host).(*simulator.HostSystem)
}

// poweredOnVMs lists VMs on the host that are powered on (these block maintenance mode).
func poweredOnVMs(h *simulator.HostSystem) []types.ManagedObjectReference {
	var out []types.ManagedObjectReference
	for _, ref := range h.Vm {
		if vm, ok := simulator.Map.Get(ref).(*simulator.VirtualMachine); ok && vm.Runtime.PowerState == types.VirtualMachinePowerStatePoweredOn {
			out = append(out, ref)
		}
	}
	return out
}

func setMaintenance(h *simulator.HostSystem, on bool) {
	simulator.Map.WithLock(h, func() {
		simulator.Map.Update(h, []types.PropertyChange{
			{Name: "runtime.inMaintenanceMode", Val: on},
			{Name: "summary.runtime.inMaintenanceMode", Val: on},
		})
	})
}

// EnterMaintenanceModeTask behaves like vCenter without DRS: the task stays running until no powered-on
// VM is left on the host (the caller evacuates them), then the host enters maintenance mode. It fails
// with Timedout after req.Timeout seconds (0 = the -maintenance-timeout default).
func (p *hostProxy) EnterMaintenanceModeTask(ctx *simulator.Context, req *types.EnterMaintenanceMode_Task) soap.HasFault {
	user := ctx.Session.UserName
	h := p.hs()
	timeout := time.Duration(req.Timeout) * time.Second
	if timeout <= 0 {
		timeout = p.x.maintenanceTimeout
	}
	if h.Runtime.InMaintenanceMode {
		ref := runTask(p.host, "EnterMaintenanceMode_Task", "HostSystem.enterMaintenanceMode", 0, false,
			func(context.Context) (types.AnyType, types.BaseMethodFault) { return nil, nil })
		return &methods.EnterMaintenanceMode_TaskBody{Res: &types.EnterMaintenanceMode_TaskResponse{Returnval: ref}}
	}
	async := len(poweredOnVMs(h)) > 0
	postEvent(user, &types.EnteringMaintenanceModeEvent{HostEvent: hostEvent(p.host)})
	ref := runTask(p.host, "EnterMaintenanceMode_Task", "HostSystem.enterMaintenanceMode", p.x.taskDelay(), async,
		func(context.Context) (types.AnyType, types.BaseMethodFault) {
			deadline := time.Now().Add(timeout)
			for len(poweredOnVMs(h)) > 0 {
				if time.Now().After(deadline) {
					return nil, &types.Timedout{VimFault: types.VimFault{MethodFault: types.MethodFault{FaultMessage: []types.LocalizableMessage{{
						Key: "com.vmware.layershift.vcsim", Message: fmt.Sprintf("%d powered-on VMs still on %s", len(poweredOnVMs(h)), h.Name)}}}}}
				}
				time.Sleep(50 * time.Millisecond)
			}
			if h.Runtime.ConnectionState != types.HostSystemConnectionStateConnected {
				return nil, invalidState(fmt.Sprintf("host %s is %s", h.Name, h.Runtime.ConnectionState))
			}
			setMaintenance(h, true)
			postEvent(user, &types.EnteredMaintenanceModeEvent{HostEvent: hostEvent(p.host)})
			return nil, nil
		})
	return &methods.EnterMaintenanceMode_TaskBody{Res: &types.EnterMaintenanceMode_TaskResponse{Returnval: ref}}
}

func (p *hostProxy) ExitMaintenanceModeTask(ctx *simulator.Context, req *types.ExitMaintenanceMode_Task) soap.HasFault {
	user := ctx.Session.UserName
	h := p.hs()
	ref := runTask(p.host, "ExitMaintenanceMode_Task", "HostSystem.exitMaintenanceMode", p.x.taskDelay(), false,
		func(context.Context) (types.AnyType, types.BaseMethodFault) {
			if !h.Runtime.InMaintenanceMode {
				return nil, nil
			}
			setMaintenance(h, false)
			postEvent(user, &types.ExitMaintenanceModeEvent{HostEvent: hostEvent(p.host)})
			return nil, nil
		})
	return &methods.ExitMaintenanceMode_TaskBody{Res: &types.ExitMaintenanceMode_TaskResponse{Returnval: ref}}
}

func (p *hostProxy) DisconnectHostTask(ctx *simulator.Context, req *types.DisconnectHost_Task) soap.HasFault {
	user := ctx.Session.UserName
	ref := runTask(p.host, "DisconnectHost_Task", "HostSystem.disconnect", p.x.taskDelay(), false,
		func(context.Context) (types.AnyType, types.BaseMethodFault) {
			setConnection(user, p.host, types.HostSystemConnectionStateDisconnected, "userRequest")
			return nil, nil
		})
	return &methods.DisconnectHost_TaskBody{Res: &types.DisconnectHost_TaskResponse{Returnval: ref}}
}

func (p *hostProxy) ReconnectHostTask(ctx *simulator.Context, req *types.ReconnectHost_Task) soap.HasFault {
	user := ctx.Session.UserName
	ref := runTask(p.host, "ReconnectHost_Task", "HostSystem.reconnect", p.x.taskDelay(), false,
		func(context.Context) (types.AnyType, types.BaseMethodFault) {
			setConnection(user, p.host, types.HostSystemConnectionStateConnected, "")
			return nil, nil
		})
	return &methods.ReconnectHost_TaskBody{Res: &types.ReconnectHost_TaskResponse{Returnval: ref}}
}

// setConnection changes HostSystem.runtime.connectionState (and that of its VMs, as vCenter shows them
// disconnected/orphaned... here: disconnected or notResponding) through Map.Update and posts
// HostConnectionLostEvent (notResponding), HostDisconnectedEvent (disconnected) or HostConnectedEvent.
func setConnection(user string, host types.ManagedObjectReference, state types.HostSystemConnectionState, reason string) {
	h := simulator.Map.Get(host).(*simulator.HostSystem)
	if h.Runtime.ConnectionState == state {
		return
	}
	simulator.Map.WithLock(h, func() {
		simulator.Map.Update(h, []types.PropertyChange{
			{Name: "runtime.connectionState", Val: state},
			{Name: "summary.runtime.connectionState", Val: state},
		})
	})
	vmState := types.VirtualMachineConnectionStateConnected
	switch state {
	case types.HostSystemConnectionStateDisconnected:
		vmState = types.VirtualMachineConnectionStateDisconnected
	case types.HostSystemConnectionStateNotResponding:
		vmState = types.VirtualMachineConnectionStateDisconnected
	}
	for _, ref := range h.Vm {
		if vm, ok := simulator.Map.Get(ref).(*simulator.VirtualMachine); ok {
			simulator.Map.WithLock(vm, func() {
				simulator.Map.Update(vm, []types.PropertyChange{
					{Name: "runtime.connectionState", Val: vmState},
					{Name: "summary.runtime.connectionState", Val: vmState},
				})
			})
		}
	}
	switch state {
	case types.HostSystemConnectionStateNotResponding:
		postEvent(user, &types.HostConnectionLostEvent{HostEvent: hostEvent(host)})
	case types.HostSystemConnectionStateDisconnected:
		postEvent(user, &types.HostDisconnectedEvent{HostEvent: hostEvent(host), Reason: reason})
	default:
		postEvent(user, &types.HostConnectedEvent{HostEvent: hostEvent(host)})
	}
}
