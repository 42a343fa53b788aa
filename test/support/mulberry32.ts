// One PRNG for the tests, the benchmarks and `riskgate eval`'s sampling.
export { mulberry32 } from '../../src/evaluation/seeded-random.js';
