/** The four layers, most valuable first. A VM without a layer tag is treated as Medium (and shown as untagged). */
export const LAYERS = ['critical', 'high', 'medium', 'low'] as const;
export type Layer = (typeof LAYERS)[number];

/** Weights of SCENARIO.md "What a better plan is": one critical outweighs any number of lower ones in practice. */
export const LAYER_WEIGHT: Readonly<Record<Layer, number>> = {
  critical: 1000,
  high: 100,
  medium: 10,
  low: 1,
};

export const DEFAULT_LAYER: Layer = 'medium';

/** 0 for critical .. 3 for low; smaller ranks are served first. */
export function layerRank(layer: Layer): number {
  return LAYERS.indexOf(layer);
}

export function isLayer(value: unknown): value is Layer {
  return typeof value === 'string' && (LAYERS as readonly string[]).includes(value);
}

/** vSphere tag names in the `Layershift.Layer` category map to layers case-insensitively. */
export function layerFromTagName(name: string): Layer | undefined {
  const lower = name.trim().toLowerCase();
  return isLayer(lower) ? lower : undefined;
}

export const LAYER_TAG_CATEGORY = 'Layershift.Layer';
export const SENSITIVITY_TAG_CATEGORY = 'Layershift.Sensitivity';
export const SHUTDOWN_TAG_CATEGORY = 'Layershift.Shutdown';
