// Renders JSON Resume documents with installed jsonresume-theme-* packages.
// Usage: node render.mjs <in.jsonl> <out-dir> <theme> [<theme> ...]
// Each input line is {"key": ..., "resume": {JSON Resume}}; writes <out-dir>/<theme>/<key>.html.
// A theme that fails to load or render is reported on stderr and skipped, never fatal.
import { createRequire } from "node:module";
import fs from "node:fs";
import path from "node:path";

const require = createRequire(import.meta.url);
const [input, outDir, ...themes] = process.argv.slice(2);
const people = fs.readFileSync(input, "utf8").split("\n").filter(Boolean).map(JSON.parse);

for (const theme of themes) {
  let mod;
  try {
    mod = require(`jsonresume-theme-${theme}`);
  } catch (err) {
    try {
      mod = await import(`jsonresume-theme-${theme}`);
    } catch (err2) {
      console.error(`${theme}: cannot load: ${err2.message.split("\n")[0]}`);
      continue;
    }
  }
  const render = mod.render ?? mod.default?.render ?? mod.default;
  if (typeof render !== "function") {
    console.error(`${theme}: no render function`);
    continue;
  }
  fs.mkdirSync(path.join(outDir, theme), { recursive: true });
  let done = 0;
  for (const { key, resume } of people) {
    try {
      const html = await render(resume);
      fs.writeFileSync(path.join(outDir, theme, `${key}.html`), html);
      done += 1;
    } catch (err) {
      console.error(`${theme}/${key}: ${err.message.split("\n")[0]}`);
    }
  }
  console.error(`${theme}: ${done}/${people.length} rendered`);
}
