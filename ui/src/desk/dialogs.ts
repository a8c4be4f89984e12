/** True while a modal dialog (settings, palette, shortcuts, a confirmation) is open: window-wide keys leave it alone. */
export function dialogOpen(): boolean {
  return document.querySelector('[aria-modal="true"], dialog[open]') !== null;
}
