// Real-editor tests of editing: a squiggle, a completion list and a quick fix, as a user sees them in
// code-server with the packaged extension. The workspace, test/fixtures/e2e-editing, is copied to a
// temp dir per run: the edits and the save never reach the repo.
// Needs `npm run build` and `npm run setup:e2e`; KUBEID_SKIP_E2E=1 skips them where that is impossible.
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { after, afterEach, before, describe, it } from 'node:test';
import { Editor, editingWorkspace, missingPrerequisite, slow } from './harness';

const missing = missingPrerequisite();
const skip = missing && process.env.KUBEID_SKIP_E2E === '1' ? `KUBEID_SKIP_E2E=1: ${missing}` : false;

const fixture = (file: string) => readFileSync(path.join(editingWorkspace, file), 'utf8');
/** The line (from 1) of `file` holding `context`, and the column (from 1) where `text` starts in it. */
function find(file: string, context: string, text: string): { line: number; column: number } {
  const lines = fixture(file).split('\n');
  const line = lines.findIndex((l) => l.includes(context));
  assert.ok(line >= 0 && context.includes(text), `${context} not in ${file}`);
  return { line: line + 1, column: lines[line].indexOf(context) + context.indexOf(text) + 1 };
}

/** Resolves once `condition` holds (checked every 100 ms), fails after `slow`: for what the page cannot show, like a file on disk. */
async function until(condition: () => boolean, what: string): Promise<void> {
  for (const deadline = Date.now() + slow; !condition();) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100)); // polling interval, not a wait for a condition
  }
}

/** The horizontal extent on screen of `text` in a rendered editor line (Monaco splits a line into token spans). */
function textExtent(line: any, text: string): { left: number; right: number } | undefined {
  const doc = line.ownerDocument;
  const walker = doc.createTreeWalker(line, 4 /* NodeFilter.SHOW_TEXT */);
  const nodes: any[] = [];
  for (let n = walker.nextNode(); n; n = walker.nextNode()) nodes.push(n);
  const all = nodes.map((n) => (n.data as string).replace(/\u00a0/g, ' ')).join('');
  const at = all.indexOf(text);
  if (at < 0) return undefined;
  const locate = (offset: number, end: boolean): [any, number] => {
    for (const n of nodes) {
      const len = (n.data as string).length;
      if (offset < len || (end && offset === len)) return [n, offset];
      offset -= len;
    }
    throw new Error('offset out of the line');
  };
  const range = doc.createRange();
  range.setStart(...locate(at, false));
  range.setEnd(...locate(at + text.length, true));
  const box = range.getBoundingClientRect();
  return { left: box.left, right: box.right };
}

void describe('editing RBAC manifests in code-server', { skip, timeout: 5 * slow }, () => {
  let editor: Editor | undefined;

  before(async () => {
    editor = await Editor.start(editingWorkspace, { copy: true });
  });
  afterEach(async (t) => {
    await editor?.screenshot(t.name);
  });
  after(async () => {
    await editor?.close();
  });

  void it('a misspelt resource gets a warning squiggle on "pod", whose hover names the plural and the check', async () => {
    const { page, activeEditor } = editor!;
    await editor!.quickOpen('misspelt.yaml');
    const squiggle = activeEditor.locator('.squiggly-warning');
    await squiggle.first().waitFor({ timeout: slow }); // the language server starts and analyses the workspace
    assert.equal(await squiggle.count(), 1, 'one squiggle in the file');
    // The Role's code lens ("0 bindings · 0 subjects") arrives on its own and pushes the lines below it
    // down a row: measure and hover once it is there.
    await activeEditor.locator('.codelens-decoration', { hasText: 'bindings' }).waitFor({ timeout: slow });

    // Exactly under `"pod"`: the squiggle shares its row with that line and spans its characters.
    const { box, line } = await editor!.squiggleOnLine(squiggle, 'resources: ["pod"]');
    const word = await line.evaluate(textExtent, '"pod"');
    assert.ok(word, 'the line shows "pod"');
    assert.ok(
      Math.abs(box.x - word.left) < 2 && Math.abs(box.x + box.width - word.right) < 2,
      `squiggle ${box.x}..${box.x + box.width}, "pod" ${word.left}..${word.right}`,
    );

    // The mouse on the squiggle shows the diagnostic: kubeid's message and its check id.
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    const hover = page.locator('.monaco-hover', { hasText: 'unknown-resource' }).first();
    await hover.waitFor({ timeout: slow });
    const shown = (await hover.innerText()).replace(/\s+/g, ' ');
    assert.match(shown, /"pod": not a resource of the listed apiGroups/);
    assert.match(shown, /Did you mean "pods"\?/);
    assert.match(shown, /kubeid\(unknown-resource\)/);
    await editor!.screenshot('squiggle hover');
    await page.mouse.move(0, 0);
    await page.keyboard.press('Escape');
    await hover.waitFor({ state: 'hidden', timeout: slow });
  });

  void it('the quick fix Change to "pods" rewrites the resource, the squiggle goes, the copy of the file is saved', async () => {
    const { page, activeEditor } = editor!;
    await editor!.quickOpen('misspelt.yaml');
    const squiggle = activeEditor.locator('.squiggly-warning');
    await squiggle.first().waitFor({ timeout: slow });

    // Cursor inside "pod", then Ctrl+. as a user would: kubeid's fix is listed first and focused (preferred).
    const at = find('misspelt.yaml', 'resources: ["pod"]', '"pod"');
    await editor!.goTo(at.line, at.column + 2);
    await page.keyboard.press('Control+.');
    const actions = page.locator('.action-widget .monaco-list-row.action');
    await actions.first().waitFor({ timeout: slow });
    const titles = await actions.evaluateAll((rows: any[]) => rows.map((r) => r.getAttribute('aria-label') as string));
    assert.deepEqual(titles, ['Change to "pods"', 'Disable unknown-resource for this line', 'Disable unknown-resource for this document']);
    await page.locator('.action-widget .monaco-list-row.action.focused', { hasText: 'Change to "pods"' }).waitFor({ timeout: slow });
    await editor!.screenshot('quick fix menu');
    await page.keyboard.press('Enter');

    await activeEditor.locator('.view-line', { hasText: 'resources: ["pods"]' }).waitFor({ timeout: slow });
    const expected = fixture('misspelt.yaml').replace('resources: ["pod"]', 'resources: ["pods"]');
    assert.equal(await editor!.text(), expected);
    await squiggle.first().waitFor({ state: 'detached', timeout: slow }); // the new diagnostics are published
    assert.equal(await activeEditor.locator('.squiggly-error, .squiggly-warning, .squiggly-info').count(), 0);

    // VS Code saves the files a quick fix changed (files.refactoring.autoSave, on by default) in the
    // background; Ctrl+S makes sure. The copy of the workspace gets it, the repo's fixture keeps "pod".
    await page.keyboard.press('Control+S');
    const saved = path.join(editor!.workspace, 'misspelt.yaml');
    await until(() => readFileSync(saved, 'utf8') === expected, `${saved} saved with "pods"`);
    assert.match(fixture('misspelt.yaml'), /resources: \["pod"\]/);
  });

  void it("completion inside verbs: [] lists the resource's own verbs first and inserts the chosen one", async () => {
    const { page, activeEditor } = editor!;
    await editor!.quickOpen('verbs.yaml');
    // `verbs: []` is an invalid rule (the API server rejects it): an error squiggle until a verb is chosen.
    const error = activeEditor.locator('.squiggly-error');
    await error.first().waitFor({ timeout: slow });

    const at = find('verbs.yaml', 'verbs: []', ']');
    await editor!.goTo(at.line, at.column);
    await page.keyboard.press('Control+Space');
    const rows = page.locator('.suggest-widget.visible .monaco-list-row');
    await rows.first().waitFor({ timeout: slow });
    const items = await rows.evaluateAll((els: any[]) =>
      els
        .map((r) => ({
          index: Number(r.dataset.index),
          label: r.querySelector('.label-name')?.textContent as string,
          details: r.querySelector('.details-label')?.textContent as string,
        }))
        .sort((a, b) => a.index - b.index),
    );
    // pods' own verbs, in kubectl's order, each described by the resource they come from.
    assert.deepEqual(
      items.slice(0, 3).map((i) => [i.label, i.details]),
      [
        ['get', 'pods'],
        ['list', 'pods'],
        ['watch', 'pods'],
      ],
    );

    await editor!.screenshot('completion list');

    // Down twice to `watch`, Enter.
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    await page.locator('.suggest-widget.visible .monaco-list-row.focused', { hasText: 'watch' }).waitFor({ timeout: slow });
    await page.keyboard.press('Enter');
    await activeEditor.locator('.view-line', { hasText: 'verbs: [watch]' }).waitFor({ timeout: slow });
    assert.equal(await editor!.text(), fixture('verbs.yaml').replace('verbs: []', 'verbs: [watch]'));
    await error.first().waitFor({ state: 'detached', timeout: slow }); // a verb now: the rule is valid
  });
});
