// The webview's stylesheet: VS Code theme colours through --vscode-* variables, with fallbacks for
// the standalone page. The graph's own colours are --k-* variables so an export can resolve them.
export const GRAPH_CSS = `
:root {
  --k-bg: var(--vscode-editor-background, #ffffff);
  --k-fg: var(--vscode-editor-foreground, #1f2328);
  --k-muted: var(--vscode-descriptionForeground, #6e7781);
  --k-border: var(--vscode-panel-border, #d0d7de);
  --k-panel: var(--vscode-sideBar-background, #f6f8fa);
  --k-input-bg: var(--vscode-input-background, #ffffff);
  --k-input-fg: var(--vscode-input-foreground, #1f2328);
  --k-input-border: var(--vscode-input-border, #d0d7de);
  --k-button-bg: var(--vscode-button-background, #0969da);
  --k-button-fg: var(--vscode-button-foreground, #ffffff);
  --k-focus: var(--vscode-focusBorder, #0969da);
  --k-node: var(--vscode-editorWidget-background, #ffffff);
  --k-edge: var(--vscode-editorLineNumber-foreground, #8c959f);
  --k-subject: var(--vscode-charts-blue, #0969da);
  --k-binding: var(--vscode-charts-purple, #8250df);
  --k-role: var(--vscode-charts-green, #1a7f37);
  --k-resource: var(--vscode-charts-orange, #bc4c00);
  --k-error: var(--vscode-errorForeground, #cf222e);
  --k-warning: var(--vscode-editorWarning-foreground, #bf8700);
  --k-info: var(--vscode-editorInfo-foreground, #0969da);
  --k-path: var(--vscode-charts-yellow, #d4a72c);
}
html, body { height: 100%; margin: 0; }
body { background: var(--k-bg); color: var(--k-fg); font: 13px var(--vscode-font-family, system-ui, sans-serif); }
#app { display: grid; grid-template-rows: auto auto 1fr auto; grid-template-columns: 1fr 340px; height: 100vh; }
#toolbar, #filters { grid-column: 1 / 3; display: flex; flex-wrap: wrap; gap: 6px; align-items: center; padding: 4px 8px; border-bottom: 1px solid var(--k-border); }
#canvas { grid-column: 1; position: relative; overflow: hidden; }
#details { grid-column: 2; grid-row: 3 / 5; overflow: auto; padding: 8px; border-left: 1px solid var(--k-border); background: var(--k-panel); }
#status { grid-column: 1; padding: 2px 8px; color: var(--k-muted); border-top: 1px solid var(--k-border); }
input, select, button { font: inherit; color: var(--k-input-fg); background: var(--k-input-bg); border: 1px solid var(--k-input-border); padding: 2px 6px; }
button { background: var(--k-button-bg); color: var(--k-button-fg); border: none; cursor: pointer; padding: 3px 8px; }
button:disabled { opacity: 0.5; cursor: default; }
:focus-visible { outline: 1px solid var(--k-focus); outline-offset: 1px; }
#search { width: 14em; } #query { width: 22em; }
.sr-only { position: absolute; width: 1px; height: 1px; overflow: hidden; clip-path: inset(50%); white-space: nowrap; }
#search-results { position: absolute; z-index: 2; background: var(--k-panel); border: 1px solid var(--k-border); max-height: 40vh; overflow: auto; margin: 0; padding: 0; list-style: none; }
#search-results li { padding: 2px 8px; cursor: pointer; }
#search-results li[aria-selected="true"], #search-results li:hover { background: var(--k-focus); color: var(--k-button-fg); }
label { display: inline-flex; gap: 4px; align-items: center; }
.muted { color: var(--k-muted); }
.message { padding: 16px; color: var(--k-muted); }
#details h2 { font-size: 14px; margin: 4px 0; word-break: break-all; }
#details h3 { font-size: 12px; margin: 12px 0 4px; text-transform: uppercase; color: var(--k-muted); }
#details table { border-collapse: collapse; width: 100%; font-size: 12px; }
#details td, #details th { border-bottom: 1px solid var(--k-border); padding: 2px 4px; text-align: left; vertical-align: top; word-break: break-all; }
#details ul { margin: 0; padding-left: 16px; }
#details .actions { display: flex; flex-wrap: wrap; gap: 4px; margin: 6px 0; }
.risk-error { color: var(--k-error); } .risk-warning { color: var(--k-warning); } .risk-information, .risk-hint { color: var(--k-info); }
svg.graph { width: 100%; height: 100%; display: block; background: var(--k-bg); }
svg.graph .edge { fill: none; stroke: var(--k-edge); stroke-width: 1.2px; }
svg.graph .edge.risk-error { stroke: var(--k-error); stroke-width: 2px; }
svg.graph .edge.risk-warning { stroke: var(--k-warning); stroke-width: 1.8px; }
svg.graph .edge.risk-information, svg.graph .edge.risk-hint { stroke: var(--k-info); }
svg.graph .edge-label { fill: var(--k-muted); font-size: 10px; }
svg.graph .node rect { fill: var(--k-node); stroke: var(--k-edge); stroke-width: 1px; rx: 4px; }
svg.graph .node text { fill: var(--k-fg); font-size: 12px; dominant-baseline: middle; }
svg.graph .node .kind { fill: var(--k-muted); font-size: 9px; }
svg.graph .node.layer-subject rect { stroke: var(--k-subject); }
svg.graph .node.layer-binding rect { stroke: var(--k-binding); }
svg.graph .node.layer-role rect { stroke: var(--k-role); }
svg.graph .node.layer-resource rect { stroke: var(--k-resource); }
svg.graph .node.risk-error rect { stroke: var(--k-error); stroke-width: 2.5px; }
svg.graph .node.risk-warning rect { stroke: var(--k-warning); stroke-width: 2px; }
svg.graph .node.missing rect { stroke-dasharray: 4 3; }
svg.graph .node.default-policy text.name { fill: var(--k-muted); }
svg.graph .node.selected rect { stroke: var(--k-focus); stroke-width: 3px; }
svg.graph .node:focus { outline: none; } svg.graph .node:focus rect { stroke: var(--k-focus); stroke-width: 3px; }
svg.graph.has-path .node:not(.on-path), svg.graph.has-path .edge:not(.on-path), svg.graph.has-path .edge-label:not(.on-path) { opacity: 0.18; }
svg.graph .edge.on-path { stroke: var(--k-path); stroke-width: 3px; }
svg.graph .node.on-path rect { stroke: var(--k-path); stroke-width: 3px; }
svg.graph .column-title { fill: var(--k-muted); font-size: 11px; text-transform: uppercase; }
#paths li { margin-bottom: 6px; cursor: pointer; }
#paths li[aria-current="true"] { outline: 1px solid var(--k-path); }
`;
