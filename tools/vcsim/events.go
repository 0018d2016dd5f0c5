package main

import (
	"context"
	"log"
	"text/template"

	"github.com/vmware/govmomi/simulator"
	"github.com/vmware/govmomi/vim25/mo"
	"github.com/vmware/govmomi/vim25/types"
)

// fixEventTemplates repairs the event message templates govmomi 0.24 ships. EventManager.formatMessage
// parses EventInfo.FullFormat with template.Must, so a broken template panics the first time that
// event kind is posted. VmMigratedEvent's is broken: "{{.SourceHost.Name}, {{.SourceDatastore.Name}}"
// closes two actions with a single brace. We parse every template once here and replace the broken
// ones, and add templates for the host events we post that have none.
func fixEventTemplates() {
	em := simulator.Map.EventManager()
	fixed := map[string]string{
		"VmBeingMigratedEvent": "Migrating {{.Vm.Name}} from {{.Host.Name}}, {{with .Ds}}{{.Name}}{{end}} to {{.DestHost.Name}}, {{with .DestDatastore}}{{.Name}}{{end}} in {{.Datacenter.Name}}",
		"VmMigratedEvent":      "Migration of virtual machine {{.Vm.Name}} from {{.SourceHost.Name}}, {{with .SourceDatastore}}{{.Name}}{{end}} to {{.Host.Name}}, {{with .Ds}}{{.Name}}{{end}} completed",
	}
	added := map[string]string{
		"HostConnectionLostEvent":      "Host {{.Host.Name}} in {{.Datacenter.Name}} is not responding",
		"HostDisconnectedEvent":        "Disconnected from {{.Host.Name}} in {{.Datacenter.Name}}. Reason: {{.Reason}}",
		"HostConnectedEvent":           "Connected to {{.Host.Name}} in {{.Datacenter.Name}}",
		"VmFailedMigrateEvent":         "Cannot migrate {{.Vm.Name}} from {{.Host.Name}} to {{.DestHost.Name}} in {{.Datacenter.Name}}",
		"VmBeingMigratedEvent":         "Migrating {{.Vm.Name}} from {{.Host.Name}} to {{.DestHost.Name}} in {{.Datacenter.Name}}",
		"EnteringMaintenanceModeEvent": "Host {{.Host.Name}} in {{.Datacenter.Name}} is entering maintenance mode",
	}
	seen := map[string]bool{}
	for i := range em.Description.EventInfo {
		info := &em.Description.EventInfo[i]
		seen[info.Key] = true
		if f, ok := fixed[info.Key]; ok {
			info.FullFormat = f
		}
		if _, err := template.New(info.Key).Parse(info.FullFormat); err != nil {
			log.Printf("vcsim: event template %s is broken (%v); using its key", info.Key, err)
			info.FullFormat = info.Key
		}
	}
	for key, format := range added {
		if !seen[key] {
			em.Description.EventInfo = append(em.Description.EventInfo, types.EventDescriptionEventDetail{
				Key: key, Category: "info", Description: key, FullFormat: format,
			})
		}
	}
}

// postEvent posts events through the simulator's EventManager (so collectors and
// WaitForUpdatesEx on latestPage see them) on behalf of userName.
func postEvent(userName string, events ...types.BaseEvent) {
	em := simulator.Map.EventManager()
	ctx := &simulator.Context{
		Context: context.Background(),
		Session: &simulator.Session{UserSession: types.UserSession{UserName: userName}},
		Map:     simulator.Map,
	}
	simulator.Map.WithLock(em, func() {
		for _, e := range events {
			em.PostEvent(ctx, &types.PostEvent{EventToPost: e})
		}
	})
}

func datacenterArg() *types.DatacenterEventArgument {
	dc := simulator.Map.Any("Datacenter").(*simulator.Datacenter)
	return &types.DatacenterEventArgument{Datacenter: dc.Self, EntityEventArgument: types.EntityEventArgument{Name: dc.Name}}
}

func hostArg(ref types.ManagedObjectReference) types.HostEventArgument {
	h := simulator.Map.Get(ref).(*simulator.HostSystem)
	return types.HostEventArgument{Host: ref, EntityEventArgument: types.EntityEventArgument{Name: h.Name}}
}

func computeResourceArg(host types.ManagedObjectReference) *types.ComputeResourceEventArgument {
	h := simulator.Map.Get(host).(*simulator.HostSystem)
	if h.Parent == nil {
		return nil
	}
	cr := simulator.Map.Get(*h.Parent).(mo.Entity)
	return &types.ComputeResourceEventArgument{ComputeResource: *h.Parent, EntityEventArgument: types.EntityEventArgument{Name: cr.Entity().Name}}
}

func datastoreArg(ref *types.ManagedObjectReference) *types.DatastoreEventArgument {
	if ref == nil {
		return nil
	}
	ds, ok := simulator.Map.Get(*ref).(*simulator.Datastore)
	if !ok {
		return nil
	}
	return &types.DatastoreEventArgument{Datastore: *ref, EntityEventArgument: types.EntityEventArgument{Name: ds.Name}}
}

func hostEvent(host types.ManagedObjectReference) types.HostEvent {
	h := hostArg(host)
	return types.HostEvent{Event: types.Event{Datacenter: datacenterArg(), ComputeResource: computeResourceArg(host), Host: &h}}
}

func vmEvent(vm *simulator.VirtualMachine, host types.ManagedObjectReference, ds *types.ManagedObjectReference) types.VmEvent {
	h := hostArg(host)
	return types.VmEvent{Event: types.Event{
		Datacenter:      datacenterArg(),
		ComputeResource: computeResourceArg(host),
		Host:            &h,
		Ds:              datastoreArg(ds),
		Vm:              &types.VmEventArgument{Vm: vm.Self, EntityEventArgument: types.EntityEventArgument{Name: vm.Name}},
	}}
}
