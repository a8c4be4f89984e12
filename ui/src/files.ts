/** Saves text as a file through a Blob link (no navigation of the app window). */
export function downloadText(fileName: string, text: string, type = 'text/csv;charset=utf-8'): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  a.rel = 'noopener';
  document.body.appendChild(a);
  a.click();
  a.remove();
  // Revoked later, not at once: the browser may still be reading the Blob.
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
