// A real Jupyter server for the checks in this directory: Debian's
// jupyter-server (1.23), started as a subprocess with a token, its own
// runtime, config and data directories, and the JUPYTER_PATH of the
// environment (which must find the gopherlab kernelspec).

import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, openSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';

import { ServerConnection } from '@jupyterlab/services';
import WebSocket from 'ws';

/** Returns a free TCP port on 127.0.0.1. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

/**
 * Starts jupyter-server. extraArgs are appended to its command line. The
 * result has url, token, log() (the server's output so far, the kernels'
 * standard error included), settings (ServerConnection settings for
 * @jupyterlab/services) and stop().
 */
export async function startServer(extraArgs = []) {
  const dir = mkdtempSync(join(tmpdir(), 'gl-lab-'));
  const port = await freePort();
  const token = randomBytes(16).toString('hex');
  const logPath = join(dir, 'server.log');
  const logFd = openSync(logPath, 'w');
  const env = {
    ...process.env,
    JUPYTER_RUNTIME_DIR: join(dir, 'runtime'),
    JUPYTER_CONFIG_DIR: join(dir, 'config'),
    JUPYTER_DATA_DIR: join(dir, 'data'),
    IPYTHONDIR: join(dir, 'ipython'),
  };
  const proc = spawn('/usr/bin/python3', ['-m', 'jupyter_server', '--no-browser', '--allow-root',
    `--ServerApp.port=${port}`, '--ServerApp.port_retries=0', '--ServerApp.ip=127.0.0.1',
    `--ServerApp.token=${token}`, `--ServerApp.root_dir=${dir}`, ...extraArgs],
  { env, stdio: ['ignore', logFd, logFd] });
  const url = `http://127.0.0.1:${port}`;
  const log = () => readFileSync(logPath, 'utf8');
  const deadline = Date.now() + 60000;
  for (;;) {
    try {
      const r = await fetch(`${url}/api/status?token=${token}`);
      if (r.ok) break;
    } catch { /* not listening yet */ }
    if (Date.now() > deadline || proc.exitCode !== null) {
      proc.kill();
      throw new Error(`jupyter-server did not start:\n${log()}`);
    }
    await new Promise(r => setTimeout(r, 200));
  }
  const settings = ServerConnection.makeSettings({
    baseUrl: url + '/', wsUrl: `ws://127.0.0.1:${port}/`, token, appendToken: true, WebSocket,
  });
  return {
    url, token, dir, settings, log,
    async stop() {
      proc.kill('SIGTERM');
      await new Promise(resolve => {
        if (proc.exitCode !== null) return resolve();
        const t = setTimeout(() => { proc.kill('SIGKILL'); resolve(); }, 15000);
        proc.on('exit', () => { clearTimeout(t); resolve(); });
      });
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
