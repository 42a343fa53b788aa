// The Action's entry, bundled into dist/index.js (`npm run build:action`).
import { runAction } from './run-action.js';

await runAction();
