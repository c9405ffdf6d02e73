// WXML lint, built on htmlparser2 (a real, maintained HTML/XML parser; no maintained WXML linter exists
// on npm). For every .wxml beside its .json and .js it checks:
// - tags are closed, in order;
// - every tag is a WeChat built-in or a component the .json (or app.json) declares;
// - every event handler (bindtap, bind:submit, catchtap, ...) is a method the page or component defines;
// - every attribute given to a custom component is one of its properties;
// - {{ }} are balanced, and every wx:for has a wx:key.
// The JS is run with stand-ins for Component/Behavior/wx only to read the method and property names.
const fs = require('fs');
const path = require('path');
const { Parser } = require('htmlparser2');

const ROOT = path.resolve(__dirname, '..');
const SKIP = new Set(['node_modules', 'tests', '.git']);
const BUILT_IN = new Set(
  (
    'view scroll-view swiper swiper-item movable-area movable-view cover-view cover-image icon text rich-text ' +
    'progress button checkbox checkbox-group editor form input label picker picker-view picker-view-column ' +
    'radio radio-group slider switch textarea navigator image video camera map canvas web-view open-data ' +
    'page-meta navigation-bar block template import include slot wxs root-portal page-container'
  ).split(' ')
);
const PASS_THROUGH = /^(id|class|style|slot|hidden|wx:.*|data-.*|generic:.*|(capture-)?(mut-)?(bind|catch):?.*)$/;
const HANDLER = /^(capture-)?(mut-)?(bind|catch)(:)?(.+)$/;

function walk(dir, found = []) {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    if (SKIP.has(entry.name)) continue;
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) walk(full, found);
    else if (entry.name.endsWith('.wxml')) found.push(full.slice(0, -'.wxml'.length));
  }
  return found;
}

/** Method and property names of a page or component, read by running its JS against stand-ins. */
function definitionOf(base) {
  const captured = { methods: new Set(), properties: new Set() };
  const take = (options) => {
    for (const behavior of options.behaviors || []) take(behavior);
    Object.keys(options.methods || {}).forEach((name) => captured.methods.add(name));
    Object.keys(options.properties || {}).forEach((name) => captured.properties.add(name));
  };
  const saved = { Component: global.Component, Behavior: global.Behavior, wx: global.wx };
  global.Component = take;
  global.Behavior = (definition) => definition;
  global.wx = new Proxy({}, { get: () => () => ({}) });
  try {
    delete require.cache[require.resolve(base + '.js')];
    require(base + '.js');
  } finally {
    Object.assign(global, saved);
  }
  return captured;
}

function camel(name) {
  return name.replace(/-([a-z])/g, (_, c) => c.toUpperCase());
}

function lint(base, appComponents) {
  const problems = [];
  const where = path.relative(ROOT, base + '.wxml');
  const json = JSON.parse(fs.readFileSync(base + '.json', 'utf8'));
  const using = Object.assign({}, appComponents, json.usingComponents);
  const own = definitionOf(base);
  const componentProps = {};
  for (const [tag, target] of Object.entries(using)) {
    const targetBase = target.startsWith('/') ? path.join(ROOT, target) : path.resolve(path.dirname(base), target);
    componentProps[tag] = definitionOf(targetBase).properties;
  }
  const stack = [];
  const source = fs.readFileSync(base + '.wxml', 'utf8');
  const parser = new Parser(
    {
      onopentag(name, attributes) {
        const line = source.slice(0, parser.startIndex).split('\n').length;
        const at = `${where}:${line}`;
        const selfClosing = source.slice(parser.startIndex, parser.endIndex + 1).endsWith('/>');
        stack.push({ name, selfClosing });
        if (!BUILT_IN.has(name) && !using[name]) problems.push(`${at}: <${name}> is neither built in nor in usingComponents`);
        for (const [attr, value] of Object.entries(attributes)) {
          if ((value.match(/{{/g) || []).length !== (value.match(/}}/g) || []).length) {
            problems.push(`${at}: unbalanced {{ }} in ${attr}="${value}"`);
          }
          const handler = attr.match(HANDLER);
          if (handler && !value.includes('{{') && !own.methods.has(value)) {
            problems.push(`${at}: ${attr}="${value}" but no method ${value} is defined`);
          }
          if (componentProps[name] && !PASS_THROUGH.test(attr) && !componentProps[name].has(camel(attr))) {
            problems.push(`${at}: <${name}> has no property ${camel(attr)} (attribute ${attr})`);
          }
        }
        if ('wx:for' in attributes && !('wx:key' in attributes)) problems.push(`${at}: wx:for without wx:key`);
      },
      onclosetag(name, isImplied) {
        const open = stack.pop();
        if (isImplied && !(open && open.selfClosing)) {
          problems.push(`${where}: <${name}> is not closed where it should be`);
        }
      },
      ontext(text) {
        if ((text.match(/{{/g) || []).length !== (text.match(/}}/g) || []).length) {
          problems.push(`${where}: unbalanced {{ }} in text "${text.trim().slice(0, 40)}"`);
        }
      },
    },
    { xmlMode: true, recognizeSelfClosing: true }
  );
  parser.write(source);
  parser.end();
  return problems;
}

function main() {
  const app = JSON.parse(fs.readFileSync(path.join(ROOT, 'app.json'), 'utf8'));
  const files = walk(ROOT);
  const problems = files.flatMap((base) => lint(base, app.usingComponents || {}));
  for (const problem of problems) process.stderr.write(problem + '\n');
  process.stdout.write(`wxml lint: ${files.length} files, ${problems.length} problem(s)\n`);
  process.exitCode = problems.length ? 1 : 0;
}

main();
