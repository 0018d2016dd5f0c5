package main

import (
	"context"
	"fmt"
	"time"

	"github.com/vmware/govmomi/simulator"
	"github.com/vmware/govmomi/vim25/mo"
	"github.com/vmware/govmomi/vim25/types"
)

// runTask creates a vim25 Task for entity and runs body. With delay 0 the body runs before the
// method returns (like stock vcsim). Otherwise the task stays "queued" for a fifth of the delay,
// then "running" with info.progress 0, 25, 50, 75, then body runs and the task ends in "success"
// or "error"; every change goes through Map.Update so PropertyCollector waiters see it.
// async forces a background run even with delay 0 (for bodies that wait, e.g. maintenance mode).
// name is the vim25 method ("RelocateVM_Task"), descriptionID what vCenter shows ("VirtualMachine.relocate").
func runTask(entity types.ManagedObjectReference, name, descriptionID string, delay time.Duration, async bool,
	body func(ctx context.Context) (types.AnyType, types.BaseMethodFault)) types.ManagedObjectReference {
	task := simulator.CreateTask(entity, name, nil)
	task.Info.Name = name
	task.Info.DescriptionId = descriptionID
	if e, ok := simulator.Map.Get(entity).(mo.Entity); ok {
		task.Info.EntityName = e.Entity().Name
	}
	update := func(changes ...types.PropertyChange) {
		simulator.Map.WithLock(task, func() { simulator.Map.Update(task, changes) })
	}
	finish := func(res types.AnyType, fault types.BaseMethodFault) {
		state := types.TaskInfoStateSuccess
		var lf interface{}
		if fault != nil {
			state = types.TaskInfoStateError
			lf = types.LocalizedMethodFault{Fault: fault, LocalizedMessage: faultMessage(fault)}
		}
		changes := []types.PropertyChange{
			{Name: "info.completeTime", Val: time.Now()},
			{Name: "info.state", Val: state},
			{Name: "info.result", Val: res},
			{Name: "info.error", Val: lf},
		}
		if fault == nil {
			changes = append(changes, types.PropertyChange{Name: "info.progress", Val: int32(100)})
		}
		update(changes...)
	}
	start := func() {
		update(types.PropertyChange{Name: "info.startTime", Val: time.Now()},
			types.PropertyChange{Name: "info.state", Val: types.TaskInfoStateRunning},
			types.PropertyChange{Name: "info.progress", Val: int32(0)})
	}

	if delay <= 0 && !async {
		start()
		res, fault := body(context.Background())
		finish(res, fault)
		return task.Self
	}

	go func() {
		time.Sleep(delay / 5)
		start()
		step := (delay - delay/5) / 4
		for p := int32(25); p <= 75; p += 25 {
			time.Sleep(step)
			update(types.PropertyChange{Name: "info.progress", Val: p})
		}
		time.Sleep(step)
		res, fault := body(context.Background())
		finish(res, fault)
	}()
	return task.Self
}

func faultMessage(f types.BaseMethodFault) string {
	if m, ok := f.(interface{ GetMethodFault() *types.MethodFault }); ok {
		for _, msg := range m.GetMethodFault().FaultMessage {
			if msg.Message != "" {
				return msg.Message
			}
		}
	}
	return fmt.Sprintf("%T", f)[len("*types."):]
}
