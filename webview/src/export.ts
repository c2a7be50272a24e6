// Export of the drawn view as a standalone SVG (the page's colours resolved into it, so it looks
// the same anywhere) and as PNG (that SVG drawn on a canvas at twice the size).
import { GRAPH_CSS } from './style';

const SVG_NS = 'http://www.w3.org/2000/svg';

/** The SVG of the whole drawing (not only what is scrolled into view), with its style inlined. */
export function exportSvg(svg: SVGSVGElement, width: number, height: number): string {
  const clone = svg.cloneNode(true) as SVGSVGElement;
  clone.setAttribute('xmlns', SVG_NS);
  clone.setAttribute('width', String(Math.ceil(width + 20)));
  clone.setAttribute('height', String(Math.ceil(height + 20)));
  clone.setAttribute('viewBox', `-10 -10 ${Math.ceil(width + 20)} ${Math.ceil(height + 20)}`);
  clone.querySelector('g.viewport')?.removeAttribute('transform');
  const computed = getComputedStyle(document.documentElement);
  const vars = [...GRAPH_CSS.matchAll(/(--k-[a-z-]+):/g)].map((m) => `${m[1]}: ${computed.getPropertyValue(m[1]).trim()};`);
  const rules = GRAPH_CSS.split('\n')
    .filter((l) => l.startsWith('svg.graph'))
    .join('\n');
  const style = document.createElementNS(SVG_NS, 'style');
  style.textContent = `svg.graph { ${vars.join(' ')} font-family: ${computed.fontFamily}; }\n${rules}`;
  clone.insertBefore(style, clone.firstChild);
  return new XMLSerializer().serializeToString(clone);
}

/** The SVG rendered to PNG, as base64 (no data: prefix). */
export async function exportPng(svgText: string, width: number, height: number, scale = 2): Promise<string> {
  const url = URL.createObjectURL(new Blob([svgText], { type: 'image/svg+xml' }));
  try {
    const img = new Image();
    img.src = url;
    await img.decode();
    const canvas = document.createElement('canvas');
    // Browsers cap canvases near 16k pixels a side (and 268M pixels): shrink a huge view to fit.
    const k = Math.min(scale, 16000 / (width + 20), 16000 / (height + 20), Math.sqrt(2.5e8 / ((width + 20) * (height + 20))));
    canvas.width = Math.max(1, Math.floor((width + 20) * k));
    canvas.height = Math.max(1, Math.floor((height + 20) * k));
    const ctx = canvas.getContext('2d');
    if (!ctx) throw new Error('no 2D canvas');
    ctx.fillStyle = getComputedStyle(document.documentElement).getPropertyValue('--k-bg').trim() || '#ffffff';
    ctx.fillRect(0, 0, canvas.width, canvas.height);
    ctx.drawImage(img, 0, 0, canvas.width, canvas.height);
    return canvas.toDataURL('image/png').slice('data:image/png;base64,'.length);
  } finally {
    URL.revokeObjectURL(url);
  }
}
