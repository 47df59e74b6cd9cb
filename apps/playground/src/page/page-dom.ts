/** The element with `id`; a missing one is a bug in index.html, reported by name. */
export function element<Type extends HTMLElement = HTMLElement>(id: string): Type {
  const found = document.getElementById(id);
  if (!found) throw new Error(`index.html has no element #${id}`);
  return found as Type;
}

/** Copies text to the clipboard and says so in the button's title (clipboard may be refused). */
export function copyText(text: string, what: string): void {
  navigator.clipboard.writeText(text).then(
    () => flash(`Copied the ${what}.`),
    () => flash(`The browser refused clipboard access; select and copy the ${what} by hand.`),
  );
}

function flash(message: string): void {
  const note = document.createElement('div');
  note.className = 'flash';
  note.textContent = message;
  document.body.append(note);
  setTimeout(() => note.remove(), 2500);
}

/** Reads a positive integer input, falling back to `fallback` for anything else. */
export function positiveInteger(id: string, fallback: number): number {
  const value = Number(element<HTMLInputElement>(id).value);
  return Number.isInteger(value) && value > 0 ? value : fallback;
}
