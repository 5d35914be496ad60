/**
 * A seeded random source, so a run's kill points and fuzz cases can be replayed with
 * `--seed`: the sandbox's own mulberry32.
 */
import { prng } from '../src/sandbox/seed-data.ts';

export type Rng = () => number;

export const makeRng = (seed: number): Rng => prng(seed);
