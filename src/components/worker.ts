// Entry of a component worker thread when Skiff runs from its TypeScript sources (the
// bundled CLI is its own worker entry).
import { runComponentWorker } from './index.ts';

await runComponentWorker();
