// The parts of fflate the core uses, loaded through ./fflate.ts (on first use, not at start-up).
export { Inflate, inflateSync, zipSync } from 'fflate';
