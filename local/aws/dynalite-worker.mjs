// dynalite (the DynamoDB stand-in) on a worker thread: its request parsing, validation and level
// store run beside the handlers instead of on their event loop. One thread per process hosts the
// dynalite of every local stack started in it (booting a thread and loading dynalite costs more
// than a stack start). Plain JavaScript, so the thread needs no TypeScript loader.
// Messages: { id, op: 'start', dir?, port } → { id, port, server } | { id, error };
//           { id, op: 'close', server } → { id, closed: true }.
import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { parentPort } from 'node:worker_threads';

// dynalite is CommonJS with no types; its `path` option selects LevelDB over memory-level.
const dynalite = createRequire(import.meta.url)('dynalite');
const servers = new Map();
let nextServer = 1;

parentPort.on('message', ({ id, op, dir, port, server }) => {
  if (op === 'start') {
    try {
      if (dir) mkdirSync(dir, { recursive: true });
      const instance = dynalite({ path: dir, createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
      instance.once('error', (error) => parentPort.postMessage({ id, error: error.message }));
      instance.listen(port, '127.0.0.1', () => {
        const key = nextServer++;
        servers.set(key, instance);
        parentPort.postMessage({ id, port: instance.address().port, server: key });
      });
    } catch (error) {
      parentPort.postMessage({ id, error: error.message });
    }
  } else if (op === 'close') {
    const instance = servers.get(server);
    servers.delete(server);
    if (!instance) return parentPort.postMessage({ id, closed: true });
    // Closing the server closes its store (and LevelDB's lock, for a restart on the same dir);
    // SDK clients keep sockets alive, so they are cut instead of waited for.
    instance.close(() => parentPort.postMessage({ id, closed: true }));
    instance.closeAllConnections();
  }
});
