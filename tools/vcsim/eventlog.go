package main

import (
	"container/ring"
	"context"
	"log"
	"reflect"
	"sort"
	"sync"
	"unsafe"

	"github.com/vmware/govmomi/simulator"
	"github.com/vmware/govmomi/vim25/methods"
	"github.com/vmware/govmomi/vim25/mo"
	"github.com/vmware/govmomi/vim25/soap"
	"github.com/vmware/govmomi/vim25/types"
)

// EventHistoryCollector cursor. govmomi 0.24's ReadNextEvents/ReadPreviousEvents index into the
// collector's latestPage ring (at most maxCount items, newest first), so once that page is full
// ReadNextEvents returns nothing, and events posted later shift under the index. vCenter's collector
// is a cursor over every event that matches its filter, oldest to newest, including events posted
// after the collector was created.
//
// We keep our own append-only log of every event the EventManager posts (eventLog, fed by an internal
// unfiltered collector whose latestPage updates reach us as a Registry handler), and route
// ReadNextEvents, ReadPreviousEvents, RewindCollector and ResetCollector of each EventHistoryCollector
// to a collectorProxy (the middleware rewrites _this, as for VMs and hosts). The cursor is an event
// key boundary, so new events never move it.

type eventLog struct {
	mu       sync.RWMutex
	self     types.ManagedObjectReference // this handler
	internal types.ManagedObjectReference // the unfiltered collector we listen to
	events   []types.BaseEvent            // ascending key
	lastKey  int32
}

var events = &eventLog{self: types.ManagedObjectReference{Type: "LayershiftEventLog", Value: "eventLog"}}

func (l *eventLog) Reference() types.ManagedObjectReference   { return l.self }
func (l *eventLog) PutObject(mo.Reference)                    {}
func (l *eventLog) RemoveObject(types.ManagedObjectReference) {}

// UpdateObject is called by Registry.Update for every property change; we only look at the latestPage
// of our internal collector (page size 1: the event just posted).
func (l *eventLog) UpdateObject(obj mo.Reference, changes []types.PropertyChange) {
	c, ok := obj.(*mo.EventHistoryCollector)
	if !ok || c.Self != l.internal {
		return
	}
	for _, e := range c.LatestPage {
		l.add(e)
	}
	for _, ch := range changes {
		if page, ok := ch.Val.(*types.ArrayOfEvent); ok && ch.Name == "latestPage" {
			for _, e := range page.Event {
				l.add(e)
			}
		}
	}
}

func (l *eventLog) add(e types.BaseEvent) {
	key := e.GetEvent().Key
	l.mu.Lock()
	defer l.mu.Unlock()
	n := len(l.events)
	switch {
	case n == 0 || l.events[n-1].GetEvent().Key < key:
		l.events = append(l.events, e)
	default:
		i := sort.Search(n, func(i int) bool { return l.events[i].GetEvent().Key >= key })
		if i < n && l.events[i].GetEvent().Key == key {
			return // already logged
		}
		l.events = append(l.events, nil)
		copy(l.events[i+1:], l.events[i:])
		l.events[i] = e
	}
	if key > l.lastKey {
		l.lastKey = key
	}
}

// startEventLog runs right after model.Create: it seeds the log with the events posted so far (the
// EventManager keeps its last 1,000) and registers the internal collector that feeds it from then on.
func startEventLog() error {
	em := simulator.Map.EventManager()
	ctx := &simulator.Context{
		Context: context.Background(),
		Session: &simulator.Session{UserSession: types.UserSession{Key: "layershift-eventlog", UserName: "vcsim"}, Registry: simulator.NewRegistry()},
		Map:     simulator.Map,
	}
	create := func(max int32) (*simulator.EventHistoryCollector, error) {
		var res soap.HasFault
		simulator.Map.WithLock(em, func() {
			res = em.CreateCollectorForEvents(ctx, &types.CreateCollectorForEvents{This: em.Self, Filter: types.EventFilterSpec{MaxCount: max}})
		})
		if f := res.Fault(); f != nil {
			return nil, soap.WrapSoapFault(f)
		}
		ref := res.(*methods.CreateCollectorForEventsBody).Res.Returnval
		return ctx.Session.Get(ref).(*simulator.EventHistoryCollector), nil
	}
	seed, err := create(1000)
	if err != nil {
		return err
	}
	for _, e := range seed.GetLatestPage() {
		events.add(e)
	}
	seed.DestroyCollector(ctx, &types.DestroyCollector{This: seed.Self})

	live, err := create(1)
	if err != nil {
		return err
	}
	events.mu.Lock()
	events.internal = live.Self
	events.mu.Unlock()
	simulator.Map.AddHandler(events)
	return nil
}

// collectorProxy receives the cursor methods of one EventHistoryCollector
// ({Type: "LayershiftEventCollector", Value: <collector moref value>}).
type collectorProxy struct {
	Self types.ManagedObjectReference
	mu   sync.Mutex
	next int32 // cursor: ReadNextEvents returns matching events with key >= next (0 = rewound, the default)
}

func (p *collectorProxy) Reference() types.ManagedObjectReference { return p.Self }

var collectorProxies sync.Mutex

// ensureCollectorProxy registers the proxy for a collector moref value (on first use).
func ensureCollectorProxy(value string) {
	ref := types.ManagedObjectReference{Type: "LayershiftEventCollector", Value: value}
	collectorProxies.Lock()
	defer collectorProxies.Unlock()
	if simulator.Map.Get(ref) == nil {
		simulator.Map.Put(&collectorProxy{Self: ref})
	}
}

// collector returns the calling session's real collector (nil when unknown to this session).
func (p *collectorProxy) collector(ctx *simulator.Context) *simulator.EventHistoryCollector {
	if ctx.Session == nil {
		return nil
	}
	c, _ := ctx.Session.Get(types.ManagedObjectReference{Type: "EventHistoryCollector", Value: p.Self.Value}).(*simulator.EventHistoryCollector)
	return c
}

func notFound(p *collectorProxy) *soap.Fault {
	obj := types.ManagedObjectReference{Type: "EventHistoryCollector", Value: p.Self.Value}
	return simulator.Fault("managed object not found: "+obj.String(), &types.ManagedObjectNotFound{Obj: obj})
}

func badMaxCount() *soap.Fault {
	return simulator.Fault("", &types.InvalidArgument{InvalidProperty: "maxCount"})
}

func (p *collectorProxy) ReadNextEvents(ctx *simulator.Context, req *types.ReadNextEvents) soap.HasFault {
	body := &methods.ReadNextEventsBody{}
	out, fault := p.read(ctx, req.MaxCount, true)
	if fault != nil {
		body.Fault_ = fault
	} else {
		body.Res = &types.ReadNextEventsResponse{Returnval: out}
	}
	return body
}

// ReadPreviousEvents returns the events before the cursor, newest first, and moves the cursor to the
// oldest one returned.
func (p *collectorProxy) ReadPreviousEvents(ctx *simulator.Context, req *types.ReadPreviousEvents) soap.HasFault {
	body := &methods.ReadPreviousEventsBody{}
	out, fault := p.read(ctx, req.MaxCount, false)
	if fault != nil {
		body.Fault_ = fault
	} else {
		body.Res = &types.ReadPreviousEventsResponse{Returnval: out}
	}
	return body
}

// read returns up to maxCount events matching the collector's filter from the cursor on (forward) or before
// it, newest first (backward), and moves the cursor past the last one returned.
func (p *collectorProxy) read(ctx *simulator.Context, maxCount int32, forward bool) ([]types.BaseEvent, *soap.Fault) {
	c := p.collector(ctx)
	if c == nil {
		return nil, notFound(p)
	}
	if maxCount <= 0 {
		return nil, badMaxCount()
	}
	m := newMatcher(c.Filter)
	p.mu.Lock()
	defer p.mu.Unlock()
	events.mu.RLock()
	defer events.mu.RUnlock()
	var out []types.BaseEvent
	i := sort.Search(len(events.events), func(i int) bool { return events.events[i].GetEvent().Key >= p.next })
	step := 1
	if !forward {
		i, step = i-1, -1
	}
	for ; i >= 0 && i < len(events.events) && len(out) < int(maxCount); i += step {
		if e := events.events[i]; m.matches(e) {
			out = append(out, e)
			if forward {
				p.next = e.GetEvent().Key + 1
			} else {
				p.next = e.GetEvent().Key
			}
		}
	}
	return out, nil
}

// RewindCollector moves the cursor to the oldest event.
func (p *collectorProxy) RewindCollector(ctx *simulator.Context, req *types.RewindCollector) soap.HasFault {
	body := &methods.RewindCollectorBody{}
	if p.collector(ctx) == nil {
		body.Fault_ = notFound(p)
		return body
	}
	p.mu.Lock()
	p.next = 0
	p.mu.Unlock()
	body.Res = new(types.RewindCollectorResponse)
	return body
}

// ResetCollector moves the cursor just before the viewable latest page (ReadPreviousEvents then reads
// what is older than the page, ReadNextEvents the page and anything newer).
func (p *collectorProxy) ResetCollector(ctx *simulator.Context, req *types.ResetCollector) soap.HasFault {
	body := &methods.ResetCollectorBody{}
	c := p.collector(ctx)
	if c == nil {
		body.Fault_ = notFound(p)
		return body
	}
	var page []types.BaseEvent
	simulator.Map.WithLock(c, func() { page = c.GetLatestPage() })
	events.mu.RLock()
	next := events.lastKey + 1
	events.mu.RUnlock()
	for _, e := range page {
		if k := e.GetEvent().Key; k < next {
			next = k
		}
	}
	p.mu.Lock()
	p.next = next
	p.mu.Unlock()
	body.Res = new(types.ResetCollectorResponse)
	return body
}

// matcher applies an EventFilterSpec: eventTypeId/type (concrete or base type), entity with recursion
// self|children|all, time, userName, eventChainId and category. alarm, scheduledTask and tag are ignored.
type matcher struct {
	spec       types.EventFilterSpec
	root       bool
	below      map[types.ManagedObjectReference]bool // strict descendants of spec.entity
	categories map[string]string
}

func newMatcher(filter types.AnyType) *matcher {
	spec, _ := filter.(types.EventFilterSpec)
	m := &matcher{spec: spec}
	if e := spec.Entity; e != nil {
		m.root = isRootFolder(e.Entity)
		m.below = descendants(e.Entity)
	}
	if len(spec.Category) > 0 {
		m.categories = map[string]string{}
		for _, info := range simulator.Map.EventManager().Description.EventInfo {
			m.categories[info.Key] = info.Category
		}
	}
	return m
}

func isRootFolder(ref types.ManagedObjectReference) bool {
	f, ok := simulator.Map.Get(ref).(*simulator.Folder)
	return ok && f.Parent == nil
}

// descendants walks the inventory below ref (folders, datacenters, compute resources, pools, hosts, VMs).
func descendants(ref types.ManagedObjectReference) map[types.ManagedObjectReference]bool {
	seen := map[types.ManagedObjectReference]bool{}
	queue := children(ref)
	for len(queue) > 0 {
		r := queue[0]
		queue = queue[1:]
		if seen[r] {
			continue
		}
		seen[r] = true
		queue = append(queue, children(r)...)
	}
	return seen
}

func children(ref types.ManagedObjectReference) []types.ManagedObjectReference {
	obj := simulator.Map.Get(ref)
	if obj == nil {
		return nil
	}
	v := reflect.ValueOf(obj).Elem()
	var fields []string
	switch ref.Type {
	case "Folder":
		fields = []string{"ChildEntity"}
	case "Datacenter":
		fields = []string{"VmFolder", "HostFolder", "DatastoreFolder", "NetworkFolder"}
	case "ComputeResource", "ClusterComputeResource":
		fields = []string{"Host", "ResourcePool"}
	case "ResourcePool", "VirtualApp":
		fields = []string{"ResourcePool", "Vm"}
	case "HostSystem":
		fields = []string{"Vm"}
	}
	var out []types.ManagedObjectReference
	for _, name := range fields {
		switch f := v.FieldByName(name).Interface().(type) {
		case types.ManagedObjectReference:
			out = append(out, f)
		case *types.ManagedObjectReference:
			if f != nil {
				out = append(out, *f)
			}
		case []types.ManagedObjectReference:
			out = append(out, f...)
		}
	}
	return out
}

func (m *matcher) matches(event types.BaseEvent) bool {
	e := event.GetEvent()
	s := &m.spec
	if ids := append(append([]string{}, s.EventTypeId...), s.Type...); len(ids) > 0 && !typeMatches(event, ids) {
		return false
	}
	if s.EventChainId != 0 && e.ChainId != s.EventChainId {
		return false
	}
	if t := s.Time; t != nil {
		if t.BeginTime != nil && e.CreatedTime.Before(*t.BeginTime) {
			return false
		}
		if t.EndTime != nil && e.CreatedTime.After(*t.EndTime) {
			return false
		}
	}
	if u := s.UserName; u != nil {
		ok := false
		for _, name := range u.UserList {
			ok = ok || name == e.UserName
		}
		ok = ok || (u.SystemUser && e.UserName == "")
		if !ok {
			return false
		}
	}
	if len(s.Category) > 0 {
		cat := m.categories[reflect.TypeOf(event).Elem().Name()]
		ok := false
		for _, c := range s.Category {
			ok = ok || c == cat
		}
		if !ok {
			return false
		}
	}
	if f := s.Entity; f != nil && !m.root {
		self, below := false, false
		for _, ref := range entityArgs(e) {
			self = self || ref == f.Entity
			below = below || m.below[ref]
		}
		switch f.Recursion {
		case types.EventFilterSpecRecursionOptionSelf:
			return self
		case types.EventFilterSpecRecursionOptionChildren:
			return below
		default: // all
			return self || below
		}
	}
	return true
}

func entityArgs(e *types.Event) []types.ManagedObjectReference {
	var out []types.ManagedObjectReference
	if e.Vm != nil {
		out = append(out, e.Vm.Vm)
	}
	if e.Host != nil {
		out = append(out, e.Host.Host)
	}
	if e.ComputeResource != nil {
		out = append(out, e.ComputeResource.ComputeResource)
	}
	if e.Ds != nil {
		out = append(out, e.Ds.Datastore)
	}
	if e.Net != nil {
		out = append(out, e.Net.Network)
	}
	if e.Dvs != nil {
		out = append(out, e.Dvs.Dvs)
	}
	if e.Datacenter != nil {
		out = append(out, e.Datacenter.Datacenter)
	}
	return out
}

// typeMatches: the event's concrete type or one of its embedded base types (VmEvent, HostEvent, Event) is listed.
func typeMatches(event types.BaseEvent, ids []string) bool {
	want := map[string]bool{}
	for _, id := range ids {
		want[id] = true
	}
	switch x := event.(type) { // extension events carry their own type id
	case *types.EventEx:
		if want[x.EventTypeId] {
			return true
		}
	case *types.ExtendedEvent:
		if want[x.EventTypeId] {
			return true
		}
	}
	t := reflect.TypeOf(event).Elem()
	for {
		if want[t.Name()] {
			return true
		}
		if t.Kind() != reflect.Struct || t.NumField() == 0 || !t.Field(0).Anonymous {
			return false
		}
		t = t.Field(0).Type
	}
}

// eventManagerProxy receives CreateCollectorForEvents ({Type: "LayershiftEventManager"}): 0.24's
// initial fill of latestPage walks its event ring the wrong way round (it keeps the newest event and
// then the oldest ones), so after creating the collector we refill its page with the newest matching
// events, newest first, which is also where PostEvent keeps adding them.
type eventManagerProxy struct {
	Self types.ManagedObjectReference
}

func (p *eventManagerProxy) Reference() types.ManagedObjectReference { return p.Self }

func (p *eventManagerProxy) CreateCollectorForEvents(ctx *simulator.Context, req *types.CreateCollectorForEvents) soap.HasFault {
	em := simulator.Map.EventManager()
	req.This = em.Self
	var res soap.HasFault
	simulator.Map.WithLock(em, func() {
		res = em.CreateCollectorForEvents(ctx, req)
		body, ok := res.(*methods.CreateCollectorForEventsBody)
		if !ok || body.Res == nil {
			return
		}
		c, ok := ctx.Session.Get(body.Res.Returnval).(*simulator.EventHistoryCollector)
		if !ok {
			return
		}
		simulator.Map.WithLock(c, func() { refillPage(c) })
	})
	return res
}

// refillPage writes the newest matching events into the collector's latestPage ring (newest at the
// ring's head, older ones following, as EventManager.PostEvent leaves them). The ring is unexported;
// only the elements' Value fields are written.
func refillPage(c *simulator.EventHistoryCollector) {
	f := reflect.ValueOf(c).Elem().FieldByName("page")
	if !f.IsValid() || f.Kind() != reflect.Ptr || f.IsNil() {
		log.Printf("vcsim: EventHistoryCollector.page not found; latestPage left as 0.24 fills it")
		return
	}
	head := (*ring.Ring)(unsafe.Pointer(f.Pointer()))
	m := newMatcher(c.Filter)
	events.mu.RLock()
	defer events.mu.RUnlock()
	r, n := head, head.Len()
	for i := len(events.events) - 1; i >= 0 && n > 0; i-- {
		if e := events.events[i]; m.matches(e) {
			r.Value = e
			r = r.Next()
			n--
		}
	}
	for ; n > 0; n-- {
		r.Value = nil
		r = r.Next()
	}
}
