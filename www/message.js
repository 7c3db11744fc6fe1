// The message bar under the status line: errors and notices, shown at once (not on the render
// schedule) so that what the test hook reports is what the page shows.
import { $ } from './format.js';

let current = '';
export const currentMessage = () => current;

export function showMessage(text) {
  current = text;
  $('message').hidden = !text;
  $('message-text').textContent = text;
}

$('message-close').addEventListener('click', () => showMessage(''));
