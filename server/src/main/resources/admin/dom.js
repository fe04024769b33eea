// Small DOM helpers shared by the admin page's modules. Text always goes in as text, never as HTML.

export const $ = (id) => document.getElementById(id);

export const fmt = (n) => (n === undefined || n === null ? '–' : Number(n).toLocaleString('en-US', { maximumFractionDigits: 1 }));

/** "1 client", "3 clients". */
export const plural = (n, word) => fmt(n) + ' ' + word + (n === 1 ? '' : 's');

/** HH:MM:SS of an epoch second, in the browser's time zone. */
export const clock = (t) => new Date(t * 1000).toLocaleTimeString('en-GB', { hour12: false });

/** Builds an element: h('td', {className: 'num', dataset: {...}, onclick: fn}, 'text', childNode, ...). */
export function h(tag, props, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(props || {})) {
    if (k === 'dataset') Object.assign(el.dataset, v);
    else if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    else el[k] = v;
  }
  for (const c of children) if (c !== null && c !== undefined) el.append(c instanceof Node ? c : String(c));
  return el;
}

/** Builds an SVG element with attributes and optional text. */
export function svg(tag, attrs, text) {
  const el = document.createElementNS('http://www.w3.org/2000/svg', tag);
  for (const [k, v] of Object.entries(attrs || {})) el.setAttribute(k, v);
  if (text !== undefined) el.textContent = text;
  return el;
}
