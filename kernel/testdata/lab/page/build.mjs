// Builds page.js and page.css (main.js and the JupyterLab 4 packages it
// imports) into the directory given as the first argument, with esbuild.
//
//   node kernel/testdata/lab/page/build.mjs OUTDIR
import { build } from 'esbuild';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const outdir = process.argv[2];
if (!outdir) {
  console.error('usage: node build.mjs OUTDIR');
  process.exit(2);
}

// JupyterLab's stylesheets import each other as webpack does: "~pkg/file".
const tilde = {
  name: 'tilde',
  setup(b) {
    b.onResolve({ filter: /^~/ }, args => b.resolve(args.path.slice(1), { kind: args.kind, resolveDir: args.resolveDir }));
  },
};

await build({
  entryPoints: { page: join(here, 'main.js') },
  outdir,
  bundle: true,
  format: 'iife',
  minify: true,
  logLevel: 'warning',
  plugins: [tilde],
  loader: { '.svg': 'text', '.woff': 'file', '.woff2': 'file', '.ttf': 'file', '.eot': 'file', '.png': 'file', '.gif': 'file' },
  define: { 'process.env.NODE_ENV': '"production"' },
});
