// Registers tsx's TypeScript loader in the thread that imports it: what a worker thread
// running a TypeScript source imports first (module-runtime.node.ts, moduleWorker), since
// a worker does not inherit its parent's loader hooks and tsx's main export registers
// them in the main thread only. JavaScript (not TypeScript) so that it loads before tsx;
// never used by dist/, whose workers are JavaScript.
import { register } from "tsx/esm/api";

register();
