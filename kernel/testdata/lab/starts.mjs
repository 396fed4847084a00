// Starts the gopherlab kernel many times through JupyterLab 4's client
// library (@jupyterlab/services) via a real jupyter-server, as a learner's
// JupyterLab does when it opens a notebook, and counts the starts whose
// kernel_info_reply never came (JupyterLab would show the kernel stuck
// "connecting"). It also counts the kernel's log lines saying a send failed.
//
//   JUPYTER_PATH=PREFIX/share/jupyter node kernel/testdata/lab/starts.mjs [STARTS] [TIMEOUT_SECONDS] [KERNEL]
//
// (KERNEL defaults to gopherlab; python3 compares with ipykernel.)
//
// It prints one line of figures and exits 1 when a start went unanswered.
// With GOPHERLAB_STARTS_VERBOSE=1 it prints the messages the client saw in
// a start that went unanswered, and the server runs with --debug.

import { KernelManager } from '@jupyterlab/services';

import { startServer } from './server.mjs';

const starts = Number(process.argv[2] ?? 100);
const timeout = Number(process.argv[3] ?? 15) * 1000;
const kernelName = process.argv[4] ?? 'gopherlab';

// @jupyterlab/services logs every websocket it opens.
console.debug = () => {};

const verbose = Boolean(process.env.GOPHERLAB_STARTS_VERBOSE);
const server = await startServer(verbose ? ['--debug'] : []);
const manager = new KernelManager({ serverSettings: server.settings });
await manager.ready;
let unanswered = 0;
const times = [];
for (let i = 0; i < starts; i++) {
  const t0 = performance.now();
  const kernel = await manager.startNew({ name: kernelName });
  const seen = [];
  kernel.anyMessage.connect((_, a) => seen.push(`${a.direction} ${a.msg.channel} ${a.msg.header.msg_type} ${a.msg.content?.execution_state ?? ''} parent=${a.msg.parent_header?.msg_id ?? ''} id=${a.msg.header.msg_id}`));
  let timer;
  const ok = await Promise.race([
    kernel.info.then(() => true),
    new Promise(resolve => { timer = setTimeout(() => resolve(false), timeout); }),
  ]);
  clearTimeout(timer);
  if (ok) {
    times.push(performance.now() - t0);
  } else {
    unanswered++;
    console.error(`start ${i}: kernel ${kernel.id}: no kernel_info_reply within ${timeout / 1000} s`);
    if (verbose) console.error(seen.join('\n'));
  }
  await kernel.shutdown();
  kernel.dispose();
}
manager.dispose();
const log = server.log();
await server.stop();
const sendErrors = log.split('\n').filter(l => /gopherlab: .*(send [a-z_]+|zmq): /.test(l));
for (const l of sendErrors.slice(0, 20)) console.error('kernel log: ' + l);
times.sort((a, b) => a - b);
const median = times.length ? times[Math.floor(times.length / 2)] : NaN;
console.log(`starts ${starts} unanswered ${unanswered} send-errors ${sendErrors.length} ` +
  `info-median-ms ${median.toFixed(1)} info-max-ms ${(times.at(-1) ?? NaN).toFixed(1)}`);
process.exit(unanswered ? 1 : 0);
