// Public entry for JS/TS programs: an in-process Skiff control plane.
export { startSkiff, type Skiff, type SkiffOptions } from './skiff.ts';
