// dynalite (the DynamoDB stand-in) on a worker thread of its own: its request parsing, validation
// and level store then run beside the handlers instead of on their event loop. Plain JavaScript,
// so the thread needs no TypeScript loader. workerData: { dir?: string, port: number }.
import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { parentPort, workerData } from 'node:worker_threads';

// dynalite is CommonJS with no types; its `path` option selects LevelDB over memory-level.
const dynalite = createRequire(import.meta.url)('dynalite');
if (workerData.dir) mkdirSync(workerData.dir, { recursive: true });
const server = dynalite({ path: workerData.dir, createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
server.once('error', (error) => parentPort.postMessage({ error: error.message }));
server.listen(workerData.port, '127.0.0.1', () => parentPort.postMessage({ port: server.address().port }));
parentPort.on('message', (message) => {
  if (message !== 'close') return;
  // SDK clients keep sockets alive; don't wait for their timeout. Closing the server closes the store.
  server.close(() => parentPort.postMessage({ closed: true }));
  server.closeAllConnections();
});
