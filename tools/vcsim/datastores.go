package main

import (
	"sort"

	"github.com/vmware/govmomi/simulator"
	"github.com/vmware/govmomi/vim25/types"
)

// fixDatastoreHosts makes Datastore.host list a DatastoreHostMount for every host that mounts the
// datastore (every HostSystem whose datastore list has it), ordered by host name, and sets
// summary.multipleHostAccess. govmomi 0.24's Model.Create mounts a shared datastore by calling
// CreateLocalDatastore on each host; every call registers a new Datastore object under the same
// moref with host = [that host], so the registry keeps the last host only. Runs before serving.
func fixDatastoreHosts() {
	mounts := map[types.ManagedObjectReference][]*simulator.HostSystem{}
	for _, e := range simulator.Map.All("HostSystem") {
		h := e.(*simulator.HostSystem)
		for _, ds := range h.Datastore {
			mounts[ds] = append(mounts[ds], h)
		}
	}
	for _, e := range simulator.Map.All("Datastore") {
		ds := e.(*simulator.Datastore)
		hosts := mounts[ds.Self]
		sort.Slice(hosts, func(i, j int) bool { return hosts[i].Name < hosts[j].Name })
		template := types.HostMountInfo{AccessMode: string(types.HostMountModeReadWrite), Mounted: types.NewBool(true), Accessible: types.NewBool(true)}
		if len(ds.Host) > 0 {
			template = ds.Host[0].MountInfo
		}
		if info := ds.Info.GetDatastoreInfo(); info != nil && template.Path == "" {
			template.Path = info.Url
		}
		list := make([]types.DatastoreHostMount, 0, len(hosts))
		for _, h := range hosts {
			list = append(list, types.DatastoreHostMount{Key: h.Self, MountInfo: template})
		}
		summary := ds.Summary
		summary.MultipleHostAccess = types.NewBool(len(hosts) > 1)
		simulator.Map.WithLock(ds, func() {
			simulator.Map.Update(ds, []types.PropertyChange{{Name: "host", Val: list}, {Name: "summary", Val: summary}})
		})
	}
}
