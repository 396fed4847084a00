// A notebook page built from JupyterLab 4's own npm packages, served by
// jupyter-server from its root directory (/files/...): it opens a notebook
// through the contents API (which says which cells the user trusts), shows
// each code cell highlighted by JupyterLab's CodeMirror language registry
// (chosen from the kernel's language_info, as JupyterLab does) and its
// committed outputs through JupyterLab's OutputArea and rendermime (SVG and
// HTML only when trusted, as in JupyterLab), then runs every cell in a
// gopherlab kernel and shows the new outputs. lab_page_check.py drives it in
// headless Chromium. Query: ?token=TOKEN&path=NOTEBOOK&run=1
import '@jupyterlab/theme-light-extension/style/variables.css';
import '@jupyterlab/rendermime/style/index.css';
import '@jupyterlab/outputarea/style/index.css';

import { ContentsManager, KernelManager, ServerConnection } from '@jupyterlab/services';
import { RenderMimeRegistry, standardRendererFactories } from '@jupyterlab/rendermime';
import { OutputArea, OutputAreaModel } from '@jupyterlab/outputarea';
import { EditorLanguageRegistry, jupyterHighlightStyle } from '@jupyterlab/codemirror';
import { StyleModule } from 'style-mod';
import { Widget } from '@lumino/widgets';

const q = new URLSearchParams(location.search);
const settings = ServerConnection.makeSettings({
  baseUrl: location.origin + '/',
  wsUrl: location.origin.replace(/^http/, 'ws') + '/',
  token: q.get('token'),
  appendToken: true,
});
const status = document.getElementById('status');
const say = text => { status.textContent = text; };

async function main() {
  const path = q.get('path');
  const model = await new ContentsManager({ serverSettings: settings }).get(path, { content: true });
  const nb = model.content;
  // The token colours of JupyterLab's editor theme (its CSS variables come
  // with the light theme's stylesheet).
  StyleModule.mount(document, jupyterHighlightStyle.module);
  const rendermime = new RenderMimeRegistry({ initialFactories: standardRendererFactories });
  const languages = new EditorLanguageRegistry();
  for (const lang of EditorLanguageRegistry.getDefaultLanguages()) languages.addLanguage(lang);

  const kernels = new KernelManager({ serverSettings: settings });
  await kernels.ready;
  say('starting the kernel');
  const kernel = await kernels.startNew({ name: 'gopherlab' });
  const info = await kernel.info;
  const li = info.language_info;
  const language = languages.findBest(li.codemirror_mode || li.mimetype);

  const root = document.getElementById('notebook');
  const cells = [];
  for (const cell of nb.cells) {
    const box = document.createElement('div');
    box.className = 'gl-cell gl-' + cell.cell_type;
    root.appendChild(box);
    const source = Array.isArray(cell.source) ? cell.source.join('') : cell.source;
    if (cell.cell_type !== 'code') {
      const md = document.createElement('div');
      md.className = 'gl-markdown';
      md.textContent = source;
      box.appendChild(md);
      continue;
    }
    const prompt = document.createElement('div');
    prompt.className = 'gl-prompt';
    prompt.textContent = `[${cell.execution_count ?? ' '}]:`;
    box.appendChild(prompt);
    const code = document.createElement('pre');
    code.className = 'gl-code cm-s-jupyter';
    box.appendChild(code);
    await languages.highlight(source, language, code);
    const trusted = Boolean(cell.metadata && cell.metadata.trusted);
    const area = new OutputArea({ model: new OutputAreaModel({ trusted }), rendermime });
    area.model.fromJSON(cell.outputs || []);
    Widget.attach(area, box);
    cells.push({ source, area, prompt, trusted });
  }
  window.glCommitted = {
    language: language && language.name,
    codemirrorMode: li.codemirror_mode,
    cells: cells.length,
    trusted: cells.filter(c => c.trusted).length,
    svgs: root.querySelectorAll('.jp-RenderedSVG svg, .jp-RenderedSVG img, .jp-RenderedHTMLCommon svg').length,
    highlighted: root.querySelectorAll('.gl-code span').length,
    // Tokens JupyterLab's theme colours as Go keywords ("func", "for", ...).
    keywords: [...root.querySelectorAll('.gl-code span')].filter(s => ['func', 'for', 'if', 'return', 'defer'].includes(s.textContent)
      && getComputedStyle(s).color !== getComputedStyle(s.parentElement).color).length,
  };
  if (q.get('run') !== '1') {
    say('done');
    return;
  }
  say('running');
  const errors = [];
  for (const [i, c] of cells.entries()) {
    c.area.model.clear();
    const future = kernel.requestExecute({ code: c.source, stop_on_error: true });
    c.area.future = future;
    const reply = await future.done;
    c.prompt.textContent = `[${reply.content.execution_count}]:`;
    if (reply.content.status !== 'ok') errors.push(`cell ${i + 1}: ${reply.content.status} ${reply.content.ename || ''}: ${reply.content.evalue || ''}`);
  }
  await kernel.shutdown();
  window.glRun = {
    errors,
    svgs: root.querySelectorAll('.jp-RenderedSVG svg, .jp-RenderedSVG img, .jp-RenderedHTMLCommon svg').length,
    outputs: root.querySelectorAll('.jp-OutputArea-output').length,
  };
  say('done');
}

main().catch(err => {
  window.glError = String(err && err.stack || err);
  say('failed: ' + err);
});
