package main

import (
	"time"

	"github.com/vmware/govmomi/simulator"
	"github.com/vmware/govmomi/vim25/methods"
	"github.com/vmware/govmomi/vim25/mo"
	"github.com/vmware/govmomi/vim25/soap"
	"github.com/vmware/govmomi/vim25/types"
)

// extensionManager: the VPX ServiceContent of 0.24 names an ExtensionManager but no object backs it
// (every call is "managed object not found"). The vSphere Client remote plugin registers itself with
// RegisterExtension, so we implement Register/Update/Find/Unregister and the extensionList property.
type extensionManager struct {
	mo.ExtensionManager
}

func newExtensionManager() *extensionManager {
	m := &extensionManager{}
	m.Self = types.ManagedObjectReference{Type: "ExtensionManager", Value: "ExtensionManager"}
	return m
}

func (m *extensionManager) find(key string) int {
	for i := range m.ExtensionList {
		if m.ExtensionList[i].Key == key {
			return i
		}
	}
	return -1
}

func (m *extensionManager) setList(list []types.Extension) {
	simulator.Map.Update(m, []types.PropertyChange{{Name: "extensionList", Val: list}})
}

func (m *extensionManager) RegisterExtension(req *types.RegisterExtension) soap.HasFault {
	body := &methods.RegisterExtensionBody{}
	if req.Extension.Key == "" {
		body.Fault_ = simulator.Fault("extension key is required", &types.InvalidArgument{InvalidProperty: "extension.key"})
		return body
	}
	if m.find(req.Extension.Key) >= 0 {
		body.Fault_ = simulator.Fault("extension "+req.Extension.Key+" is already registered", &types.AlreadyExists{Name: req.Extension.Key})
		return body
	}
	ext := req.Extension
	if ext.LastHeartbeatTime.IsZero() {
		ext.LastHeartbeatTime = time.Now()
	}
	list := append(append([]types.Extension{}, m.ExtensionList...), ext)
	m.setList(list)
	body.Res = &types.RegisterExtensionResponse{}
	return body
}

func (m *extensionManager) UpdateExtension(req *types.UpdateExtension) soap.HasFault {
	body := &methods.UpdateExtensionBody{}
	i := m.find(req.Extension.Key)
	if i < 0 {
		body.Fault_ = simulator.Fault("extension "+req.Extension.Key+" is not registered", &types.NotFound{})
		return body
	}
	list := append([]types.Extension{}, m.ExtensionList...)
	list[i] = req.Extension
	m.setList(list)
	body.Res = &types.UpdateExtensionResponse{}
	return body
}

func (m *extensionManager) FindExtension(req *types.FindExtension) soap.HasFault {
	body := &methods.FindExtensionBody{Res: &types.FindExtensionResponse{}}
	if i := m.find(req.ExtensionKey); i >= 0 {
		ext := m.ExtensionList[i]
		body.Res.Returnval = &ext
	}
	return body
}

func (m *extensionManager) UnregisterExtension(req *types.UnregisterExtension) soap.HasFault {
	body := &methods.UnregisterExtensionBody{}
	i := m.find(req.ExtensionKey)
	if i < 0 {
		body.Fault_ = simulator.Fault("extension "+req.ExtensionKey+" is not registered", &types.NotFound{})
		return body
	}
	list := append(append([]types.Extension{}, m.ExtensionList[:i]...), m.ExtensionList[i+1:]...)
	m.setList(list)
	body.Res = &types.UnregisterExtensionResponse{}
	return body
}
