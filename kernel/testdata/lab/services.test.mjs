// Drives the gopherlab kernel through JupyterLab 4's own client library,
// @jupyterlab/services, via a real jupyter-server (Debian's 1.23): what
// JupyterLab 4 and Notebook 7 do when a learner runs a notebook.
//
//   JUPYTER_PATH=PREFIX/share/jupyter node --test kernel/testdata/lab/
//
// (after `npm ci` in this directory; PREFIX holds the gopherlab kernelspec,
// e.g. from `./install.sh --prefix PREFIX`). kernel/lab_test.go runs it.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';

import { KernelManager } from '@jupyterlab/services';

import { startServer } from './server.mjs';

let server;
let manager;
let kernel;

before(async () => {
  server = await startServer();
  manager = new KernelManager({ serverSettings: server.settings });
  await manager.ready;
  kernel = await manager.startNew({ name: 'gopherlab' });
  // The first kernel_info_reply: what JupyterLab waits for before it shows
  // the kernel as connected.
  await withTimeout(kernel.info, 30000, 'kernel_info_reply');
});

after(async () => {
  try {
    if (kernel && !kernel.isDisposed) await kernel.shutdown();
    manager?.dispose();
  } finally {
    await server?.stop();
  }
});

function withTimeout(p, ms, what) {
  let t;
  return Promise.race([
    p.finally(() => clearTimeout(t)),
    new Promise((_, reject) => { t = setTimeout(() => reject(new Error(`no ${what} within ${ms} ms\nserver log:\n${server.log()}`)), ms); }),
  ]);
}

// run executes code and returns its execute_reply content and the IOPub
// messages of the cell (all of them: JupyterLab hands an update_display_data
// to the cell that first showed the display, not to the future of the cell
// that sent it). onStdin answers input requests.
async function run(code, { onStdin, timeout = 60000 } = {}) {
  const iopub = [];
  const future = kernel.requestExecute({ code, stop_on_error: true });
  const id = future.msg.header.msg_id;
  const collect = (_, msg) => { if (msg.parent_header.msg_id === id) iopub.push(msg); };
  kernel.iopubMessage.connect(collect);
  if (onStdin) future.onStdin = msg => onStdin(msg, future);
  try {
    const reply = await withTimeout(future.done, timeout, `execute_reply to ${JSON.stringify(code)}`);
    return { reply: reply.content, iopub };
  } finally {
    kernel.iopubMessage.disconnect(collect);
  }
}

function streamText(iopub, name = 'stdout') {
  return iopub.filter(m => m.header.msg_type === 'stream' && m.content.name === name).map(m => m.content.text).join('');
}

test('kernel_info: Go, highlighted as Go by CodeMirror', async () => {
  const info = await kernel.info;
  assert.equal(info.status, 'ok');
  assert.equal(info.implementation, 'gopherlab');
  assert.equal(info.language_info.name, 'go');
  assert.equal(info.language_info.mimetype, 'text/x-go');
  assert.equal(info.language_info.file_extension, '.go');
  assert.equal(info.language_info.codemirror_mode, 'go');
});

test('execute: stdout, stderr and the value of the last expression', async () => {
  const { reply, iopub } = await run('import ("fmt"; "os")\nfmt.Println("hello, lab")\nfmt.Fprintln(os.Stderr, "to stderr")\n6 * 7');
  assert.equal(reply.status, 'ok');
  assert.equal(streamText(iopub, 'stdout'), 'hello, lab\n');
  assert.equal(streamText(iopub, 'stderr'), 'to stderr\n');
  const result = iopub.find(m => m.header.msg_type === 'execute_result');
  assert.ok(result, 'no execute_result');
  assert.equal(result.content.data['text/plain'], '42');
  assert.equal(result.content.execution_count, reply.execution_count);
  const states = iopub.filter(m => m.header.msg_type === 'status').map(m => m.content.execution_state);
  assert.deepEqual(states, ['busy', 'idle']);
});

test('execute: an error names the cell line', async () => {
  const { reply, iopub } = await run('x := undefinedName + 1');
  assert.equal(reply.status, 'error');
  const err = iopub.find(m => m.header.msg_type === 'error');
  assert.ok(err, 'no error message on IOPub');
  assert.match(err.content.evalue, /undefinedName/);
  assert.match(err.content.traceback.join('\n'), /line 1/);
});

test('display_data and update_display_data', async () => {
  const { reply, iopub } = await run(
    'import "github.com/gopherlab/gopherlab/kernel/display"\n' +
    'display.HTML("<b>bold</b>")\n' +
    'h := display.NewHandle()\nh.HTML("<p>0%</p>")\nh.HTML("<p>100%</p>")');
  assert.equal(reply.status, 'ok');
  const shown = iopub.filter(m => ['display_data', 'update_display_data'].includes(m.header.msg_type));
  assert.deepEqual(shown.map(m => m.header.msg_type), ['display_data', 'display_data', 'update_display_data']);
  assert.equal(shown[0].content.data['text/html'], '<b>bold</b>');
  const id = shown[1].content.transient.display_id;
  assert.ok(id, 'no display_id');
  assert.equal(shown[2].content.transient.display_id, id);
  assert.equal(shown[2].content.data['text/html'], '<p>100%</p>');
  // A later cell updates the same display.
  const again = await run('h.HTML("<p>again</p>")');
  const upd = again.iopub.filter(m => m.header.msg_type === 'update_display_data');
  assert.equal(upd.length, 1);
  assert.equal(upd[0].content.transient.display_id, id);
});

test('input_request: fmt.Scanln asks the frontend', async () => {
  const prompts = [];
  const { reply, iopub } = await run(
    'var name string\nfmt.Print("name? ")\nfmt.Scanln(&name)\nfmt.Println("hello,", name)',
    {
      onStdin: (msg) => {
        assert.equal(msg.header.msg_type, 'input_request');
        prompts.push(msg.content.prompt);
        kernel.sendInputReply({ status: 'ok', value: 'gopher' }, msg.header);
      },
    });
  assert.equal(reply.status, 'ok');
  assert.equal(prompts.length, 1);
  assert.match(streamText(iopub), /hello, gopher\n$/);
});

test('complete_request: matches with types and signatures (_jupyter_types_experimental)', async () => {
  const code = 'import "strings"\nstrings.Has';
  const reply = (await kernel.requestComplete({ code, cursor_pos: code.length })).content;
  assert.equal(reply.status, 'ok');
  assert.deepEqual(reply.matches, ['HasPrefix', 'HasSuffix']);
  assert.equal(reply.cursor_start, code.length - 'Has'.length);
  assert.equal(reply.cursor_end, code.length);
  const types = reply.metadata._jupyter_types_experimental;
  assert.ok(Array.isArray(types), 'no metadata._jupyter_types_experimental');
  assert.equal(types.length, reply.matches.length);
  for (const [i, t] of types.entries()) {
    assert.equal(t.text, reply.matches[i]);
    assert.equal(t.start, reply.cursor_start);
    assert.equal(t.end, reply.cursor_end);
    assert.equal(t.type, 'function');
  }
  assert.equal(types[0].signature, 'func HasPrefix(s, prefix string) bool');
});

test('complete_request: a notebook variable is typed as one', async () => {
  await run('var gopherCount int = 3');
  const code = 'gopherCou';
  const reply = (await kernel.requestComplete({ code, cursor_pos: code.length })).content;
  assert.deepEqual(reply.matches, ['gopherCount']);
  const [t] = reply.metadata._jupyter_types_experimental;
  assert.equal(t.type, 'instance');
  assert.equal(t.signature, 'int');
});

test('inspect_request: documentation of the name at the cursor', async () => {
  const code = 'strings.ToUpper';
  const reply = (await kernel.requestInspect({ code, cursor_pos: code.length, detail_level: 0 })).content;
  assert.equal(reply.status, 'ok');
  assert.equal(reply.found, true);
  assert.match(reply.data['text/plain'], /func ToUpper\(s string\) string/);
});

test('is_complete_request', async () => {
  const ask = async code => (await kernel.requestIsComplete({ code })).content;
  assert.equal((await ask('x := 1')).status, 'complete');
  const open = await ask('func f() {');
  assert.equal(open.status, 'incomplete');
  assert.equal((await ask('x := )(')).status, 'invalid');
});

test('comm_info_request', async () => {
  const reply = (await kernel.requestCommInfo({})).content;
  assert.equal(reply.status, 'ok');
  assert.deepEqual(reply.comms, {});
});

test('interrupt: the running cell ends with Interrupted, the kernel goes on', async () => {
  const iopub = [];
  const future = kernel.requestExecute({ code: 'import "time"\nfor { time.Sleep(10 * time.Millisecond) }' });
  future.onIOPub = msg => { iopub.push(msg); };
  // Interrupt once the cell runs (its execute_input is on IOPub).
  const deadline = Date.now() + 30000;
  while (!iopub.some(m => m.header.msg_type === 'execute_input') && Date.now() < deadline) {
    await new Promise(r => setTimeout(r, 20));
  }
  await new Promise(r => setTimeout(r, 200));
  await kernel.interrupt();
  const reply = (await withTimeout(future.done, 30000, 'execute_reply after interrupt')).content;
  assert.equal(reply.status, 'error');
  assert.equal(reply.ename, 'Interrupted');
  const after = await run('1 + 1');
  assert.equal(after.reply.status, 'ok');
});

test('restart: a fresh session, answering again', async () => {
  await run('restartMarker := 1\n_ = restartMarker');
  await withTimeout(kernel.restart(), 60000, 'restart');
  await withTimeout(kernel.info, 30000, 'kernel_info_reply after restart');
  const { reply, iopub } = await run('restartMarker');
  assert.equal(reply.status, 'error', 'a variable survived the restart');
  assert.match(iopub.find(m => m.header.msg_type === 'error').content.evalue, /restartMarker/);
  const ok = await run('fmt.Println("after restart")');
  assert.equal(ok.reply.status, 'error', '"fmt" should need importing again');
  const ok2 = await run('import "fmt"\nfmt.Println("after restart")');
  assert.equal(ok2.reply.status, 'ok');
  assert.equal(streamText(ok2.iopub), 'after restart\n');
});
