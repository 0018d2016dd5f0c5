package main

import (
	"hash/fnv"
	"math"
	"time"

	"github.com/vmware/govmomi/simulator"
	"github.com/vmware/govmomi/vim25/methods"
	"github.com/vmware/govmomi/vim25/mo"
	"github.com/vmware/govmomi/vim25/soap"
	"github.com/vmware/govmomi/vim25/types"
)

// perfManager replaces the simulator's PerformanceManager (same moref). In 0.24 QueryPerfCounter
// panics (it writes into a nil body.Res) and QueryPerf returns no samples unless maxSample is set,
// newest first, with random noise. Ours returns deterministic, plausible series for VMs and hosts:
// cpu.usage.average, cpu.usagemhz.average, mem.consumed.average, mem.usage.average.
type perfManager struct {
	*simulator.PerformanceManager
	x *extensions
}

// Get lets the PropertyCollector read the wrapped object's properties (it only digs through
// embedded structs, not embedded pointers).
func (p *perfManager) Get() mo.Reference { return p.PerformanceManager }

const (
	hostCoreMhz  = 2400
	hostCores    = 32
	hostMemoryMB = 524288
	maxSamples   = 30000
)

type counterKind int

const (
	kindUnknown counterKind = iota
	kindCPUUsage
	kindCPUMhz
	kindMemConsumed
	kindMemUsage
)

func (p *perfManager) counterKinds() map[int32]counterKind {
	out := map[int32]counterKind{}
	for _, c := range p.PerfCounter {
		group := c.GroupInfo.GetElementDescription().Key
		name := c.NameInfo.GetElementDescription().Key
		if c.RollupType != types.PerfSummaryTypeAverage {
			continue
		}
		switch group + "." + name {
		case "cpu.usage":
			out[c.Key] = kindCPUUsage
		case "cpu.usagemhz":
			out[c.Key] = kindCPUMhz
		case "mem.consumed":
			out[c.Key] = kindMemConsumed
		case "mem.usage":
			out[c.Key] = kindMemUsage
		}
	}
	return out
}

func (p *perfManager) QueryPerfCounter(req *types.QueryPerfCounter) soap.HasFault {
	body := &methods.QueryPerfCounterBody{Res: &types.QueryPerfCounterResponse{}}
	index := map[int32]types.PerfCounterInfo{}
	for _, c := range p.PerfCounter {
		index[c.Key] = c
	}
	for _, id := range req.CounterId {
		info, ok := index[id]
		if !ok {
			body.Res = nil
			body.Fault_ = simulator.Fault("", &types.InvalidArgument{InvalidProperty: "counterId"})
			return body
		}
		body.Res.Returnval = append(body.Res.Returnval, info)
	}
	return body
}

func hash64(parts ...interface{}) uint64 {
	h := fnv.New64a()
	for _, p := range parts {
		switch v := p.(type) {
		case string:
			_, _ = h.Write([]byte(v))
		case int64:
			var b [8]byte
			for i := 0; i < 8; i++ {
				b[i] = byte(v >> (8 * i))
			}
			_, _ = h.Write(b[:])
		}
		_, _ = h.Write([]byte{0})
	}
	return h.Sum64()
}

// unit returns a deterministic value in [0,1) for the given parts.
func unit(parts ...interface{}) float64 { return float64(hash64(parts...)%1_000_000) / 1_000_000 }

// vmCPUShare is the VM's CPU demand share (0..1) at time t: a per-VM base level, a daily cycle
// (peaking mid-afternoon) and per-sample noise; all deterministic.
func vmCPUShare(vm string, t time.Time) float64 {
	base := 0.10 + 0.45*unit(vm, "cpu-base")
	hour := float64(t.UTC().Hour()) + float64(t.UTC().Minute())/60
	daily := 0.12 * math.Sin(2*math.Pi*(hour-9)/24)
	noise := 0.08 * (unit(vm, "cpu", t.Unix()) - 0.5)
	return clamp(base+daily+noise, 0.01, 1)
}

func vmMemShare(vm string, t time.Time) float64 {
	base := 0.45 + 0.4*unit(vm, "mem-base")
	noise := 0.04 * (unit(vm, "mem", t.Unix()) - 0.5)
	return clamp(base+noise, 0.05, 1)
}

func clamp(v, lo, hi float64) float64 { return math.Max(lo, math.Min(hi, v)) }

type vmSize struct {
	cpus  int32
	memMB int32
}

func vmSizeOf(vm *simulator.VirtualMachine) vmSize {
	s := vmSize{cpus: 1, memMB: 1024}
	if vm.Config != nil {
		s.cpus = vm.Config.Hardware.NumCPU
		s.memMB = vm.Config.Hardware.MemoryMB
	}
	return s
}

func vmValue(vm *simulator.VirtualMachine, kind counterKind, t time.Time) (int64, bool) {
	if vm.Runtime.PowerState != types.VirtualMachinePowerStatePoweredOn {
		return 0, true
	}
	size := vmSizeOf(vm)
	cpu := vmCPUShare(vm.Self.Value, t)
	mem := vmMemShare(vm.Self.Value, t)
	switch kind {
	case kindCPUUsage:
		return int64(math.Round(cpu * 10000)), true // percent, 2 decimals
	case kindCPUMhz:
		return int64(math.Round(cpu * float64(size.cpus) * hostCoreMhz)), true
	case kindMemConsumed:
		return int64(math.Round(mem * float64(size.memMB) * 1024)), true // KB
	case kindMemUsage:
		return int64(math.Round(mem * 0.6 * 10000)), true // active share, percent
	}
	return 0, false
}

func hostValue(h *simulator.HostSystem, kind counterKind, t time.Time) (int64, bool) {
	if h.Runtime.ConnectionState != types.HostSystemConnectionStateConnected {
		return 0, true
	}
	var mhz, memKB float64
	for _, ref := range h.Vm {
		vm, ok := simulator.Map.Get(ref).(*simulator.VirtualMachine)
		if !ok {
			continue
		}
		m, _ := vmValue(vm, kindCPUMhz, t)
		k, _ := vmValue(vm, kindMemConsumed, t)
		mhz += float64(m)
		memKB += float64(k)
	}
	mhz += 400 // hypervisor
	memKB += 4 * 1024 * 1024
	capMhz := float64(hostCoreMhz * hostCores)
	capKB := float64(hostMemoryMB) * 1024
	switch kind {
	case kindCPUUsage:
		return int64(math.Round(clamp(mhz/capMhz, 0, 1) * 10000)), true
	case kindCPUMhz:
		return int64(math.Round(math.Min(mhz, capMhz))), true
	case kindMemConsumed:
		return int64(math.Round(math.Min(memKB, capKB))), true
	case kindMemUsage:
		return int64(math.Round(clamp(memKB/capKB, 0, 1) * 10000)), true
	}
	return 0, false
}

func (p *perfManager) QueryPerf(req *types.QueryPerf) soap.HasFault {
	kinds := p.counterKinds()
	body := &methods.QueryPerfBody{Res: &types.QueryPerfResponse{}}
	for _, qs := range req.QuerySpec {
		obj := simulator.Map.Get(qs.Entity)
		if obj == nil {
			body.Res = nil
			body.Fault_ = simulator.Fault("", &types.ManagedObjectNotFound{Obj: qs.Entity})
			return body
		}
		var value func(kind counterKind, t time.Time) (int64, bool)
		switch o := obj.(type) {
		case *simulator.VirtualMachine:
			value = func(k counterKind, t time.Time) (int64, bool) { return vmValue(o, k, t) }
		case *simulator.HostSystem:
			value = func(k counterKind, t time.Time) (int64, bool) { return hostValue(o, k, t) }
		default:
			value = func(counterKind, time.Time) (int64, bool) { return 0, false }
		}

		interval := qs.IntervalId
		if interval <= 0 {
			interval = 20
		}
		step := time.Duration(interval) * time.Second
		end := time.Now()
		if qs.EndTime != nil {
			end = *qs.EndTime
		}
		end = end.Truncate(step)
		var start time.Time
		switch {
		case qs.StartTime != nil:
			start = *qs.StartTime // exclusive, as in vSphere
		case interval == 20:
			start = end.Add(-time.Hour) // realtime keeps one hour
		default:
			start = end.Add(-24 * time.Hour)
		}
		n := int(end.Sub(start) / step)
		if n < 0 {
			n = 0
		}
		if qs.MaxSample > 0 && int(qs.MaxSample) < n {
			n = int(qs.MaxSample)
		}
		if n > maxSamples {
			n = maxSamples
		}

		ids := qs.MetricId
		if len(ids) == 0 {
			for key := range kinds {
				ids = append(ids, types.PerfMetricId{CounterId: key})
			}
		}
		metric := &types.PerfEntityMetric{PerfEntityMetricBase: types.PerfEntityMetricBase{Entity: qs.Entity}}
		times := make([]time.Time, n)
		for i := 0; i < n; i++ { // oldest first, like vCenter
			times[i] = end.Add(-time.Duration(n-1-i) * step)
			metric.SampleInfo = append(metric.SampleInfo, types.PerfSampleInfo{Timestamp: times[i], Interval: interval})
		}
		for _, id := range ids {
			kind := kinds[id.CounterId]
			series := &types.PerfMetricIntSeries{PerfMetricSeries: types.PerfMetricSeries{Id: types.PerfMetricId{CounterId: id.CounterId, Instance: id.Instance}}}
			known := true
			for _, t := range times {
				v, ok := value(kind, t)
				known = known && ok
				series.Value = append(series.Value, v)
			}
			if !known && kind == kindUnknown && len(qs.MetricId) == 0 {
				continue
			}
			metric.Value = append(metric.Value, series)
		}
		body.Res.Returnval = append(body.Res.Returnval, metric)
	}
	return body
}
