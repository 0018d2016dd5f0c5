export { plan, type PlanOptions } from './planner';
export * from './model';
export { schedule, resourcesOf, resourceCapacity, type SchedAction } from './schedule';
export { verifyPlan, lowerBound, outcome, type Outcome, type Violation, type VerifyOptions } from './verify';
export { generateScenario, rng, type GenOptions } from './generate';
