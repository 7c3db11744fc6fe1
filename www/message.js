// The message bar under the status line: errors and notices, shown at once (not on the render
// schedule) so that what the test hook reports is what the page shows. A message may carry one
// action (a button that offers the way forward, e.g. "choose a CSV file").
import { $ } from './format.js';

let current = '';
let currentKind = '';
export const currentMessage = () => current;
export const currentMessageKind = () => currentKind;

/** Shows `text` ('' hides the bar); kind 'error' (default) or 'info'; action {label, run}. */
export function showMessage(text, { kind = 'error', action = null } = {}) {
  current = text;
  currentKind = text ? kind : '';
  const bar = $('message');
  bar.hidden = !text;
  bar.classList.toggle('info', kind === 'info');
  // An error interrupts (role alert); a notice waits for the screen reader's next pause.
  bar.setAttribute('role', kind === 'info' ? 'status' : 'alert');
  $('message-text').textContent = text;
  const b = $('message-action');
  b.hidden = !action;
  b.textContent = action?.label ?? '';
  b.onclick = action ? () => action.run() : null;
}

$('message-close').addEventListener('click', () => showMessage(''));
